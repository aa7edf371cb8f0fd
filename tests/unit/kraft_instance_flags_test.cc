// kraft's flag parsing for `instance create`: -p (kraft-cli.md §3.1), -M (§3.3) and the Go
// durations of --wait / --scale-to-zero-cooldown, and the request body they produce (§3, §6.3).
#include <doctest/doctest.h>

#include "api/image.h"
#include "cloud/instance_create_request.h"
#include "cloud/memory_flag.h"
#include "cloud/port_flags.h"
#include "go_duration.h"

using nlohmann::json;

namespace {

json Ports(std::vector<std::string> values) {
  std::vector<ukc::api::ServicePort> services;
  ukc::Status s = kraft::ParsePortFlags(values, &services);
  return s.ok() ? kraft::ServicesJson(services) : json(s.message());
}

std::string Memory(const std::string& value) {
  int mb = 0;
  ukc::Status s = kraft::ParseMemoryFlag(value, &mb);
  return s.ok() ? std::to_string(mb) : s.message();
}

kraft::EnvLookup NoEnv() {
  return [](std::string_view name) { return name == "HOST_VAR" ? "from-host" : ""; };
}

json Body(const kraft::CreateFlags& flags, const ukc::api::Image& image = {},
          std::vector<std::string> app_args = {}) {
  kraft::CreateRequestResult result;
  ukc::Status s =
      kraft::BuildCreateRequest(flags, "alice/app:latest", image, app_args, NoEnv(), &result);
  return s.ok() ? result.body : json(s.message());
}

}  // namespace

TEST_CASE("kraft -p: the single 443:N shortcut makes the https pair") {
  CHECK(Ports({"443:8080"}) ==
        json::parse(R"([{"port":443,"destination_port":8080,"handlers":["http","tls"]},
                        {"port":80,"destination_port":443,"handlers":["http","redirect"]}])"));
  // Not the shortcut: with a handler, or with a second -p.
  CHECK(Ports({"443:8080/tls+http"}) ==
        json::parse(R"([{"port":443,"destination_port":8080,"handlers":["tls","http"]}])"));
  CHECK(Ports({"443:8080", "8080"}) == json::parse(R"([{"port":443,"destination_port":8080},
                        {"port":8080,"destination_port":8080}])"));
}

TEST_CASE("kraft -p: general forms and kraft's error texts") {
  CHECK(Ports({"80:443/http+redirect"}) ==
        json::parse(R"([{"port":80,"destination_port":443,"handlers":["http","redirect"]}])"));
  CHECK(Ports({"8080"}) == json::parse(R"([{"port":8080,"destination_port":8080}])"));
  CHECK(Ports({"1234:5678"}) == json::parse(R"([{"port":1234,"destination_port":5678}])"));
  CHECK(Ports({"80:8080/h2"}) == "unknown handler: h2 (choice of [tls http redirect])");
  CHECK(Ports({"80:8080/tls/http"}) ==
        "malformed port expected format EXTERNAL:INTERNAL[/HANDLER]");
  CHECK(Ports({"443:80:1"}) == "malformed port expected format EXTERNAL:INTERNAL[/HANDLER]");
  CHECK(Ports({"1:2:3"}) == "invalid --port value expected --port EXTERNAL:INTERNAL");
  CHECK(Ports({"x:80"}) == "invalid internal port: strconv.Atoi: parsing \"x\": invalid syntax");
  CHECK(Ports({"80:y"}) == "invalid external port: strconv.Atoi: parsing \"y\": invalid syntax");
  CHECK(Ports({"443:y"}) == "invalid external port: strconv.Atoi: parsing \"y\": invalid syntax");
  CHECK(Ports({"z"}) == "could not parse port number: strconv.Atoi: parsing \"z\": invalid syntax");
}

TEST_CASE("kraft -M: bare MiB, Kubernetes quantities, at least 1Mi") {
  CHECK(Memory("512") == "512");
  CHECK(Memory("512Mi") == "512");
  CHECK(Memory("512M") == "488");  // decimal: 512,000,000 B
  CHECK(Memory("1Gi") == "1024");
  CHECK(Memory("1G") == "953");
  CHECK(Memory("1.5Gi") == "1536");
  CHECK(Memory("2048Ki") == "2");
  CHECK(Memory("1e9") == "953");
  CHECK(Memory("1048576") == "1048576");  // a bare integer is MiB, however large
  CHECK(Memory("1Ki") == "memory must be at least 1Mi");
  CHECK(Memory("0") == "memory must be at least 1Mi");
  CHECK(Memory("lots") ==
        "could not parse memory quantity: quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  CHECK(Memory("12X") == "could not parse memory quantity: unable to parse quantity's suffix");
}

TEST_CASE("kraft -M default: round(2^log2(image MiB × 1.1)), only above 128") {
  CHECK_FALSE(kraft::DefaultMemoryMb(0).has_value());
  CHECK_FALSE(kraft::DefaultMemoryMb(100 * 1024 * 1024).has_value());  // 110
  CHECK(kraft::DefaultMemoryMb(200 * 1024 * 1024) == 220);
  CHECK(kraft::DefaultMemoryMb(200 * 1024 * 1024 + 1000) == 220);  // integer MiB first
}

TEST_CASE("Go durations: parse and print") {
  int64_t ms = 0;
  REQUIRE(kraft::ParseGoDuration("1m30s", &ms).ok());
  CHECK(ms == 90000);
  REQUIRE(kraft::ParseGoDuration("1.5h", &ms).ok());
  CHECK(ms == 5400000);
  REQUIRE(kraft::ParseGoDuration("500ms", &ms).ok());
  CHECK(ms == 500);
  REQUIRE(kraft::ParseGoDuration("0", &ms).ok());
  CHECK(ms == 0);
  CHECK(kraft::ParseGoDuration("10", &ms).message() == "time: missing unit in duration \"10\"");
  CHECK(kraft::ParseGoDuration("abc", &ms).message() == "time: invalid duration \"abc\"");
  CHECK(kraft::ParseGoDuration("5x", &ms).message() ==
        "time: unknown unit \"x\" in duration \"5x\"");
  CHECK(kraft::FormatGoDuration(0) == "0s");
  CHECK(kraft::FormatGoDuration(500) == "500ms");
  CHECK(kraft::FormatGoDuration(47192) == "47.192s");
  CHECK(kraft::FormatGoDuration(90500) == "1m30.5s");
  CHECK(kraft::FormatGoDuration(3605000) == "1h0m5s");
}

TEST_CASE("kraft create body: image args, autostart and restart policy always, no ports") {
  kraft::CreateFlags flags;
  ukc::api::Image image;
  image.args = "/usr/bin/python3 /src/server.py";
  image.size_in_bytes = 20 * 1024 * 1024;
  CHECK(kraft::NormalizeImageName("nginx") == "nginx:latest");
  CHECK(kraft::NormalizeImageName("index.unikraft.io/alice/app") == "alice/app:latest");
  CHECK(kraft::NormalizeImageName("index.unikraft.io/official/python:3.12") == "python:3.12");
  CHECK(kraft::NormalizeImageName("alice/app@sha256:ab") == "alice/app@sha256:ab");

  kraft::CreateRequestResult result;
  REQUIRE(
      kraft::BuildCreateRequest(flags, "alice/app:latest", image, {"-v"}, NoEnv(), &result).ok());
  CHECK(result.scale_to_zero_disabled);
  CHECK(result.body == json::parse(R"({"image":"alice/app:latest",
    "args":["/usr/bin/python3 /src/server.py","-v"],"autostart":false,"restart_policy":"never"})"));
  CHECK(Body(flags)["args"] == json::array({""}));  // an image without args: [""]
}

TEST_CASE("kraft create body: every flag") {
  kraft::CreateFlags f;
  f.name = "my/app";
  f.memory = "256";
  f.replicas = 2;
  f.vcpus = 2;
  f.start = true;
  f.restart = "on-failure";
  f.ports = {"443:8080"};
  f.subdomains = {"www."};
  f.env = {"A=b=c", "HOST_VAR"};
  f.features = {"delete-on-stop", "delete-on-stop"};
  f.entrypoint = {"/bin/app", "--flag"};
  f.volumes = {"data:/data", "1b4e28ba-2fa1-11d2-883f-0016d3cca427:/cfg:ro"};
  f.scale_to_zero = "idle";
  f.scale_to_zero_cooldown = "1s";
  f.scale_to_zero_stateful = true;
  json body = Body(f, {}, {"x"});
  CHECK(body == json::parse(R"({"image":"alice/app:latest","name":"my-app",
    "args":["/bin/app","--flag","x"],"memory_mb":256,"replicas":2,"vcpus":2,"autostart":true,
    "restart_policy":"on-failure","env":{"A":"b=c","HOST_VAR":"from-host"},
    "features":["delete-on-stop"],
    "volumes":[{"name":"data","at":"/data","readonly":false},
               {"uuid":"1b4e28ba-2fa1-11d2-883f-0016d3cca427","at":"/cfg","readonly":true}],
    "service_group":{"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]},
                                 {"port":80,"destination_port":443,"handlers":["http","redirect"]}],
                     "domains":[{"name":"www"}]},
    "scale_to_zero":{"policy":"idle","stateful":true,"cooldown_time_ms":1000}})"));
}

TEST_CASE("kraft create body: scale-to-zero subset, domains with certificates, errors") {
  kraft::CreateFlags f;
  f.ports = {"8080:8080/tls"};
  f.scale_to_zero = "on";
  CHECK(Body(f)["scale_to_zero"] == json::parse(R"({"policy":"on"})"));
  f.ports.clear();  // no ports: nothing is sent, kraft says it disables scale to zero
  CHECK_FALSE(Body(f).contains("scale_to_zero"));

  kraft::CreateFlags d;
  d.domains = {"example.com", "b.example.com."};
  d.certificates = {"cert-a", "1b4e28ba-2fa1-11d2-883f-0016d3cca427"};
  CHECK(Body(d)["service_group"] == json::parse(R"({"domains":[
    {"name":"example.com.","certificate":{"name":"cert-a"}},
    {"name":"b.example.com..","certificate":{"uuid":"1b4e28ba-2fa1-11d2-883f-0016d3cca427"}}]})"));
  d.certificates.pop_back();
  CHECK(Body(d) == "number of certificates does not match number of domains");

  kraft::CreateFlags v;
  v.volumes = {"novolume"};
  CHECK(Body(v) == "invalid syntax for -v|--volume: expected VOLUME:PATH[:ro]");
  kraft::CreateFlags c;
  c.ports = {"80"};
  c.scale_to_zero_cooldown = "soon";
  CHECK(Body(c) ==
        "invalid argument \"soon\" for \"--scale-to-zero-cooldown\" flag: "
        "time: invalid duration \"soon\"");
}
