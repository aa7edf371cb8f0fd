#include "registry/registry_service.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "oci/names.h"

namespace ukc::registry {

using nlohmann::json;

http::Headers RegistryHeaders(http::Headers extra) {
  extra.emplace_back("Docker-Distribution-API-Version", "registry/2.0");
  return extra;
}

void RespondRegistryError(http::Exchange& ex, int status, const std::string& code,
                          const std::string& message, const std::string& detail,
                          http::Headers headers) {
  json error = {{"code", code}, {"message", message}};
  error["detail"] = detail.empty() ? json(nullptr) : json(detail);
  headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  ex.Respond(status, RegistryHeaders(std::move(headers)),
             json{{"errors", json::array({error})}}.dump() + "\n");
}

bool RegistryService::CanPull(const std::string& user, const std::string& repository) {
  return repository.rfind(user + "/", 0) == 0 || repository.rfind("official/", 0) == 0;
}

bool RegistryService::CanPush(const std::string& user, const std::string& repository) {
  return repository.rfind(user + "/", 0) == 0;
}

bool RegistryService::ParseRoute(const std::string& path, Route* route, bool* name_invalid) {
  *name_invalid = false;
  std::string rest = path.substr(4);  // after "/v2/"
  auto ends_with = [&](const std::string& suffix) {
    return rest.size() > suffix.size() &&
           rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto set = [&](Route::Kind kind, size_t name_end, std::string argument) {
    route->kind = kind;
    route->repository = rest.substr(0, name_end);
    route->argument = std::move(argument);
    *name_invalid = !oci::IsValidRepositoryName(route->repository);
    return true;
  };
  for (const std::string no_argument : {"/blobs/uploads/", "/blobs/uploads"}) {
    if (ends_with(no_argument)) {
      return set(Route::Kind::kUploads, rest.size() - no_argument.size(), "");
    }
  }
  if (ends_with("/tags/list")) return set(Route::Kind::kTags, rest.size() - 10, "");
  struct WithArgument {
    const char* marker;
    Route::Kind kind;
  };
  static const WithArgument kMarkers[] = {
      {"/blobs/uploads/", Route::Kind::kUpload},
      {"/blobs/", Route::Kind::kBlob},
      {"/manifests/", Route::Kind::kManifest},
      {"/referrers/", Route::Kind::kReferrers},
  };
  for (const auto& m : kMarkers) {
    std::string marker = m.marker;
    size_t at = rest.rfind(marker);
    if (at == std::string::npos || at == 0) continue;
    std::string argument = rest.substr(at + marker.size());
    if (argument.empty() || argument.find('/') != std::string::npos) continue;
    return set(m.kind, at, argument);
  }
  return false;
}

void RegistryService::Challenge(http::Exchange& ex, const std::string& scope) {
  std::string host = ex.Header("Host");
  std::string challenge = "Bearer realm=\"http://" + host + "/service/token\",service=\"ukc-emu\"";
  if (!scope.empty()) challenge += ",scope=\"" + scope + "\"";
  RespondRegistryError(ex, 401, "UNAUTHORIZED", "authentication required", {},
                       {{"WWW-Authenticate", challenge}});
}

void RegistryService::Handle(http::Exchange& ex) {
  const std::string& path = ex.path();
  if (path == "/service/token" || path == "/v2/token") return HandleToken(ex);
  if (path.rfind("/v2", 0) != 0 || (path.size() > 3 && path[3] != '/')) {
    return RespondRegistryError(ex, 404, "NAME_UNKNOWN", "not a registry path", path);
  }
  Route route{};
  bool name_invalid = false;
  bool is_ping = path == "/v2" || path == "/v2/";
  bool is_catalog = path == "/v2/_catalog";
  bool routed = !is_ping && !is_catalog && ParseRoute(path, &route, &name_invalid);
  bool write = ex.method() != "GET" && ex.method() != "HEAD";
  auto user = authenticator_->Authenticate(ex.Header("Authorization"));
  if (!user) {
    std::string scope;
    if (routed && !name_invalid) {
      scope = "repository:" + route.repository + (write ? ":pull,push" : ":pull");
    } else if (is_catalog) {
      scope = "registry:catalog:*";
    }
    return Challenge(ex, scope);
  }
  if (is_ping) {
    return ex.Respond(200, RegistryHeaders({{"Content-Type", "application/json"}}), "{}\n");
  }
  if (is_catalog) return HandleCatalog(ex, *user);
  if (!routed) return RespondRegistryError(ex, 404, "NAME_UNKNOWN", "unknown registry path", path);
  if (name_invalid) {
    return RespondRegistryError(ex, 400, "NAME_INVALID", "invalid repository name",
                                route.repository);
  }
  bool allowed = write ? CanPush(*user, route.repository) : CanPull(*user, route.repository);
  if (!allowed) {
    return RespondRegistryError(
        ex, 403, "DENIED", "requested access to the resource is denied",
        "user " + *user + " may not " + (write ? "push to " : "pull from ") + route.repository);
  }
  const auto method = ex.method();
  using Kind = Route::Kind;
  switch (route.kind) {
    case Kind::kBlob:
      if (method == "GET" || method == "HEAD") return GetBlob(ex, route);
      if (method == "DELETE") return DeleteBlob(ex, route);
      break;
    case Kind::kUploads:
      if (method == "POST") return StartUpload(ex, route, *user);
      break;
    case Kind::kUpload:
      if (method == "PATCH") return PatchUpload(ex, route);
      if (method == "PUT") return FinishUpload(ex, route);
      if (method == "GET") return UploadStatus(ex, route);
      if (method == "DELETE") return CancelUpload(ex, route);
      break;
    case Kind::kManifest:
      if (method == "GET" || method == "HEAD") return GetManifest(ex, route);
      if (method == "PUT") return PutManifest(ex, route);
      if (method == "DELETE") return DeleteManifest(ex, route);
      break;
    case Kind::kTags:
      if (method == "GET") return ListTags(ex, route);
      break;
    case Kind::kReferrers:
      if (method == "GET") return ListReferrers(ex, route);
      break;
  }
  RespondRegistryError(ex, 405, "UNSUPPORTED", "method not allowed",
                       std::string(method) + " " + path);
}

void RegistryService::HandleToken(http::Exchange& ex) {
  std::optional<std::string> user = authenticator_->AuthenticateBasic(ex.Header("Authorization"));
  if (!user && ex.method() == "POST") {
    std::string body;
    if (ex.ReadBody(&body, size_t{64} << 10).ok()) {
      // application/x-www-form-urlencoded: grant_type=password&username=…&password=…
      std::string username, password;
      size_t start = 0;
      while (start <= body.size()) {
        size_t amp = body.find('&', start);
        std::string pair =
            body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        size_t eq = pair.find('=');
        if (eq != std::string::npos) {
          std::string value = PercentDecode(pair.substr(eq + 1), true).value_or("");
          if (pair.substr(0, eq) == "username") username = value;
          if (pair.substr(0, eq) == "password") password = value;
        }
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
      if (!username.empty()) user = authenticator_->Verify(username, password);
    }
  }
  if (!user) return Challenge(ex, "");
  constexpr int64_t kLifetime = 3600;
  int64_t now = std::time(nullptr);
  std::string token = authenticator_->IssueToken(*user, now + kLifetime);
  char issued[32];
  std::tm tm{};
  time_t t = now;
  gmtime_r(&t, &tm);
  std::strftime(issued, sizeof issued, "%Y-%m-%dT%H:%M:%SZ", &tm);
  json body = {
      {"token", token}, {"access_token", token}, {"expires_in", kLifetime}, {"issued_at", issued}};
  ex.Respond(200, RegistryHeaders({{"Content-Type", "application/json"}}), body.dump() + "\n");
}

}  // namespace ukc::registry
