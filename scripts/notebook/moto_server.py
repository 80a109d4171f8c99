"""moto's server on 127.0.0.1, the notebook suite's stand-in for AWS.

Prints one line, `listening http://127.0.0.1:<port>`, then serves until its
standard input closes or it gets SIGTERM (the suite that started it stops it).
The account is MOTO_ACCOUNT_ID (the suite sets the one its templates resolve to).
"""
import signal
import sys
import threading

from moto.server import ThreadedMotoServer


def main():
    server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print(f'listening http://{host}:{port}', flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    server.stop()


if __name__ == '__main__':
    main()
