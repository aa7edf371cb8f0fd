// The UKC platform API v1 front door on the API listener. Every request needs a valid token
// (`Authorization: Bearer <token>`); without one it answers 401 in the platform's envelope, as
// the metro probe of kraftkit expects. Resource endpoints arrive with the platform issue; until
// then an authenticated request gets the platform's "No API endpoint" 404.
#pragma once

#include "access/authenticator.h"
#include "http/exchange.h"

namespace ukc::platform {

class ApiService {
 public:
  explicit ApiService(const access::Authenticator* authenticator) : authenticator_(authenticator) {}
  void Handle(http::Exchange& ex);

 private:
  const access::Authenticator* authenticator_;
};

}  // namespace ukc::platform
