// The webhook observer of a run: delivers run::Event values to [notify].
#include <iostream>

#include "cli/cli.h"
#include "keel/notify.h"

namespace keel::cli {

run::Observer notifier(const GlobalOptions& options, const Config& config) {
  return [&options, &config](const run::Event& event) {
    notify::Webhook hook = notify::from_config(config.notify);
    if (hook.url.empty()) return;
    // Once a delivery has failed every attempt, later events of this run get
    // one attempt each: a dead receiver must not add timeout x attempts to
    // every migration of a deploy.
    static bool receiver_down = false;
    if (receiver_down) hook.attempts = 1;
    notify::Delivery delivery =
        notify::deliver(hook, std::string(notify::event_name(event.kind)), event.body);
    receiver_down = receiver_down || !delivery.delivered;
    if (delivery.delivered) {
      note(options, "webhook: " + delivery.to_string());
    } else {
      // Reported, never fatal: the database change stands either way.
      std::cerr << "keel: warning: webhook: " << delivery.to_string() << "\n";
    }
  };
}

}  // namespace keel::cli
