"""A loopback HTTP server that answers as the SMS providers' documented APIs do.

- Twilio's Messages resource: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``,
  form fields ``To``, ``From`` (or ``MessagingServiceSid``) and ``Body``, HTTP basic auth
  with the Account SID and Auth Token. 201 with the message resource (``sid``, ``status``
  "queued", …); 400 with Twilio's error document (code 21211 "The 'To' number … is not a
  valid phone number.") for a refused number; 401 (code 20003) for wrong credentials.
- A generic gateway on any other path: records the request; answers 200 ``{"id": …}``,
  400 ``{"error": …}`` for a refused number, or ``status`` when set (e.g. 503).

``delay`` makes every answer wait that long (a timeout test).
"""

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

TWILIO_SID, TWILIO_TOKEN = "AC" + "0" * 32, "test-auth-token"


class Received:
    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body

    @property
    def form(self) -> dict:
        return dict(parse_qsl(self.body.decode()))

    @property
    def json(self):
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that timed out and left: expected in the timeout test."""


class SmsServer:
    def __init__(self):
        self.received: list[Received] = []
        self.refuse: set[str] = set()
        self.status: int | None = None
        self.delay = 0.0
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), _handler(self))
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self):
        with self.lock:
            self.received.clear()
        self.refuse, self.status, self.delay = set(), None, 0.0


def _handler(server: SmsServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

        def do_GET(self):
            self._answer()

        def do_POST(self):
            self._answer()

        def do_PUT(self):
            self._answer()

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if server.delay:
                time.sleep(server.delay)
            request = Received(self.command, self.path, dict(self.headers), body)
            with server.lock:
                server.received.append(request)
            if urlparse(self.path).path.startswith("/2010-04-01/Accounts/"):
                self._twilio(request)
            else:
                self._gateway(request)

        def _twilio(self, request):
            sid = urlparse(self.path).path.split("/")[3]
            expected = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
            if sid != TWILIO_SID or self.headers.get("Authorization") != f"Basic {expected}":
                return self._send(401, {"code": 20003, "message": "Authenticate",
                                        "more_info": "https://www.twilio.com/docs/errors/20003",
                                        "status": 401})
            if server.status:
                return self._send(server.status, {"code": 20500, "message": "Internal Server "
                                                  "Error", "status": server.status})
            form = request.form
            if form.get("To") in server.refuse:
                return self._send(400, {
                    "code": 21211, "status": 400,
                    "message": f"The 'To' number {form['To']} is not a valid phone number.",
                    "more_info": "https://www.twilio.com/docs/errors/21211"})
            self._send(201, {"sid": "SM" + uuid.uuid4().hex, "account_sid": TWILIO_SID,
                             "to": form.get("To"), "from": form.get("From"),
                             "body": form.get("Body"), "status": "queued",
                             "num_segments": "1", "direction": "outbound-api"})

        def _gateway(self, request):
            if server.status:
                return self._send(server.status, {"error": "service unavailable"})
            text = request.body.decode() + self.path
            if any(number in text or number.replace("+", "%2B") in text
                   for number in server.refuse):
                return self._send(400, {"error": "invalid destination"})
            self._send(200, {"id": uuid.uuid4().hex})

        def _send(self, status, document):
            payload = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler
