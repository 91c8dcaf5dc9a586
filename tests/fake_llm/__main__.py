"""``python -m tests.fake_llm [--port N] [--delay SECONDS]``: run the fake model server
until interrupted (prints its base URL), for benchmarks and manual runs."""

from __future__ import annotations

import argparse
import threading

from tests.fake_llm.server import FakeLLM


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_llm")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each reply")
    args = parser.parse_args()
    fake = FakeLLM(port=args.port, delay=args.delay).start()
    print(fake.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
