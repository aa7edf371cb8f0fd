from http.server import BaseHTTPRequestHandler, HTTPServer
import argparse


class MyServer(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-type", "text/plain")
        self.end_headers()
        self.wfile.write(bytes("Hello, World!\n", "utf-8"))


def main(args):
    server = HTTPServer((args.host, args.port), MyServer)
    print("Server started http://%s:%s" % (args.host, args.port))

    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass

    server.server_close()
    print("Server stopped.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", type=str, default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8080)
    main(parser.parse_args())
