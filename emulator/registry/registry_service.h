// The OCI distribution API v1.1 over HTTP (docs/registry-contract.md): authenticates every
// request, enforces per-user namespaces (a user writes <user>/…, everyone reads official/…),
// routes to blob, upload, manifest, tag, catalog and referrers handlers, and answers errors in
// the spec's {"errors":[…]} shape.
#pragma once

#include <string>

#include "access/authenticator.h"
#include "http/exchange.h"
#include "registry/registry_store.h"

namespace ukc::registry {

class RegistryService {
 public:
  RegistryService(RegistryStore* store, const access::Authenticator* authenticator)
      : store_(store), authenticator_(authenticator) {}

  void Handle(http::Exchange& ex);

  // Namespace rules, shared with the platform API's image views.
  static bool CanPull(const std::string& user, const std::string& repository);
  static bool CanPush(const std::string& user, const std::string& repository);

 private:
  struct Route {
    enum class Kind { kBlob, kUploads, kUpload, kManifest, kTags, kReferrers } kind;
    std::string repository;
    std::string argument;  // digest, upload id, reference
  };
  static bool ParseRoute(const std::string& path, Route* route, bool* name_invalid);

  void HandleToken(http::Exchange& ex);
  void HandleCatalog(http::Exchange& ex, const std::string& user);
  void Challenge(http::Exchange& ex, const std::string& scope);

  void GetBlob(http::Exchange& ex, const Route& route);
  void DeleteBlob(http::Exchange& ex, const Route& route);
  void StartUpload(http::Exchange& ex, const Route& route, const std::string& user);
  void PatchUpload(http::Exchange& ex, const Route& route);
  void FinishUpload(http::Exchange& ex, const Route& route);
  // Appends the request body to `session` (checking Content-Range); answers and returns false
  // on error.
  bool AppendBody(http::Exchange& ex, const Route& route, UploadSession& session);
  void FinishUploadLocked(http::Exchange& ex, const Route& route, UploadSession& session);
  void UploadStatus(http::Exchange& ex, const Route& route);
  void CancelUpload(http::Exchange& ex, const Route& route);
  void PutManifest(http::Exchange& ex, const Route& route);
  void GetManifest(http::Exchange& ex, const Route& route);
  void DeleteManifest(http::Exchange& ex, const Route& route);
  void ListTags(http::Exchange& ex, const Route& route);
  void ListReferrers(http::Exchange& ex, const Route& route);

  RegistryStore* store_;
  const access::Authenticator* authenticator_;
};

// Writes a spec error body: {"errors":[{"code","message","detail"}]}.
void RespondRegistryError(http::Exchange& ex, int status, const std::string& code,
                          const std::string& message, const std::string& detail = {},
                          http::Headers headers = {});
// Headers every registry response carries, plus `extra`.
http::Headers RegistryHeaders(http::Headers extra = {});

}  // namespace ukc::registry
