// /metrics during a rollout (keel/rollout.h), through prometheus-cpp's pull exposer.
#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "keel/rollout.h"

namespace keel::rollout {
namespace {

using prometheus::Gauge;

class PrometheusMetrics final : public Metrics {
 public:
  PrometheusMetrics(std::unique_ptr<prometheus::Exposer> exposer, const std::string& migration)
      : exposer_(std::move(exposer)), registry_(std::make_shared<prometheus::Registry>()) {
    const prometheus::Labels m{{"migration", migration}};
    auto gauge = [&](const char* name, const char* help) -> prometheus::Family<Gauge>& {
      return prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
    };
    share_ =
        &gauge("keel_rollout_share_percent", "Share of sessions routed to the new version").Add(m);
    step_ = &gauge("keel_rollout_step", "Current rollout step, from 1").Add(m);
    auto& p50 = gauge("keel_rollout_p50_ms", "p50 of keel's probes over the window, ms");
    auto& p99 = gauge("keel_rollout_p99_ms", "p99 of keel's probes over the window, ms");
    auto& errors = gauge("keel_rollout_error_ratio", "Failed probes / probes over the window");
    auto& probes = gauge("keel_rollout_window_probes", "Probes in the window");
    for (int v = 0; v < 2; ++v) {
      prometheus::Labels labels{{"migration", migration}, {"version", v == 0 ? "old" : "new"}};
      p50_[v] = &p50.Add(labels);
      p99_[v] = &p99.Add(labels);
      errors_[v] = &errors.Add(labels);
      probes_[v] = &probes.Add(labels);
    }
    lag_ = &gauge("keel_rollout_standby_lag_ms", "Largest standby replay lag, ms").Add(m);
    saturation_ = &gauge("keel_rollout_saturation_ratio", "Connections / max_connections").Add(m);
    tripped_ = &gauge("keel_rollout_tripped", "1 once a breaker tripped").Add(m);
    samples_ = &prometheus::BuildCounter()
                    .Name("keel_rollout_samples_total")
                    .Help("Samples judged")
                    .Register(*registry_)
                    .Add(m);
    exposer_->RegisterCollectable(registry_);
  }

  void observe(const nlohmann::json& e) override {
    const std::string kind = e.value("event", "");
    if (kind == "routed") share_->Set(e.value("percent", 0));
    if (kind == "step") step_->Set(e.value("index", 0) + 1);
    if (kind == "trip") tripped_->Set(1);
    if (kind != "sample") return;
    samples_->Increment();
    const char* routes[2] = {"old", "new"};
    for (int v = 0; v < 2; ++v) {
      const nlohmann::json r = e.value(routes[v], nlohmann::json::object());
      p50_[v]->Set(r.value("p50_ms", 0.0));
      p99_[v]->Set(r.value("p99_ms", 0.0));
      const double n = r.value("probes", 0.0);
      errors_[v]->Set(n > 0 ? r.value("errors", 0.0) / n : 0.0);
      probes_[v]->Set(n);
    }
    if (e.contains("lag_ms") && e["lag_ms"].is_number()) lag_->Set(e["lag_ms"].get<double>());
    if (e.contains("saturation") && e["saturation"].is_number()) {
      saturation_->Set(e["saturation"].get<double>());
    }
  }

  std::string address() const override {
    auto ports = exposer_->GetListeningPorts();
    return fmt::format("127.0.0.1:{}", ports.empty() ? 0 : ports.front());
  }

 private:
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
  Gauge* share_ = nullptr;
  Gauge* step_ = nullptr;
  Gauge* p50_[2] = {};
  Gauge* p99_[2] = {};
  Gauge* errors_[2] = {};
  Gauge* probes_[2] = {};
  Gauge* lag_ = nullptr;
  Gauge* saturation_ = nullptr;
  Gauge* tripped_ = nullptr;
  prometheus::Counter* samples_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Metrics>> serve_metrics(const std::string& listen,
                                               const std::string& migration) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(listen, 1);
    return std::unique_ptr<Metrics>(new PrometheusMetrics(std::move(exposer), migration));
  } catch (const std::exception& e) {
    return fail(ErrorCode::kUsage,
                fmt::format("cannot serve /metrics on '{}': {}; set [rollout] metrics_listen to a "
                            "free host:port",
                            listen, e.what()),
                listen);
  }
}

}  // namespace keel::rollout
