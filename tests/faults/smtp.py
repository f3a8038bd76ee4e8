"""A tiny SMTP server on 127.0.0.1 for the fault tests: a real socket counterpart (not a mock) that
refuses the recipients with a chosen reply (451 temporary, 550 permanent) or accepts and keeps the
messages. Python 3.11's smtpd is deprecated (an error under our warnings) and aiosmtpd is not a
dependency: the few commands Django's SMTP backend sends are answered here."""

import socket
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        server = self.server.owner
        self.reply("220 prevex-tests ESMTP")
        recipients, reading_data, data = [], False, []
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if reading_data:
                if line == ".":
                    reading_data = False
                    server.accepted.append({"to": recipients, "data": "\n".join(data)})
                    recipients, data = [], []
                    self.reply("250 OK: queued")
                else:
                    data.append(line[1:] if line.startswith("..") else line)
                continue
            command = line[:4].upper()
            if command in ("EHLO", "HELO"):
                self.reply("250 prevex-tests")
            elif command == "MAIL":
                self.reply("250 OK")
            elif command == "RCPT":
                server.attempts += 1
                address = line.split(":", 1)[1].strip().strip("<>")
                server.tried.append(address)
                refusal = server.refusal_for(address)
                if refusal:
                    self.reply(refusal)
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif command == "DATA":
                if recipients:
                    reading_data = True
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                else:
                    self.reply("503 No valid recipients")
            elif command == "RSET":
                recipients = []
                self.reply("250 OK")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpServer:
    """`refusal` is the reply to RCPT TO (e.g. "451 4.3.0 Try again later"), for the first
    `refuse_times` recipients (all when None); None accepts. `refused` ({address: reply}) refuses
    those addresses only, whatever `refusal` says (an address removed from it is accepted)."""

    def __init__(self, refusal=None, refuse_times=None):
        self.refusal, self.refuse_times, self.accepted, self.attempts = refusal, refuse_times, [], 0
        self.refused, self.tried = {}, []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def refusal_for(self, address):
        if self.refused:
            return self.refused.get(address)
        if self.refusal and (self.refuse_times is None or self.attempts <= self.refuse_times):
            return self.refusal
        return None

    def tries_of(self, address) -> int:
        return self.tried.count(address)

    def messages_to(self, address):
        return [message for message in self.accepted if address in message["to"]]


def answers(port) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(64).startswith(b"220")
    except OSError:
        return False
