#include "util/sha256.h"

#include <openssl/evp.h>

#include <array>

namespace keel::util {

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return hex(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

std::string bounded_name(std::string_view name, size_t max) {
  if (name.size() <= max) return std::string(name);
  return std::string(name.substr(0, max - 9)) + "_" + sha256_hex(name).substr(0, 8);
}

}  // namespace keel::util
