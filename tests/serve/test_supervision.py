"""What `make serve` does when one of its processes exits (newsportal/serve/stack.py)."""

import sys
import threading
import time

from newsportal.serve import stack as serve_stack
from newsportal.serve.environment import parse_options


def test_the_task_worker_is_started_again_and_the_site_goes_on(tmp_path, monkeypatch):
    """The task worker exits when the database goes away (#9): it is started again a few
    seconds later, and the server beside it is left running."""
    monkeypatch.setattr(serve_stack, "RESTART_DELAY", 0.2)
    stack = serve_stack.Stack(parse_options(["--state-dir", str(tmp_path)], {}), {})
    server = stack.spawn("gunicorn", [sys.executable, "-c", "import time; time.sleep(60)"])
    stack.spawn("task worker", [sys.executable, "-c", "raise SystemExit(1)"], restart=True)
    first_worker = dict(stack.processes)["task worker"]
    seen = {}

    def watch():
        # supervise() sets signal handlers, so it runs in the main thread and this watches.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            current = dict(stack.processes)["task worker"]
            if current is not first_worker:
                seen["restarted"], seen["server_running"] = True, server.poll() is None
                break
            time.sleep(0.05)
        stack.stopping = True

    watcher = threading.Thread(target=watch)
    watcher.start()
    assert stack.supervise() == 0
    watcher.join()
    assert seen == {"restarted": True, "server_running": True}
    assert server.poll() is not None  # stopped with the rest


def test_the_stack_stops_when_a_server_exits(tmp_path):
    stack = serve_stack.Stack(parse_options(["--state-dir", str(tmp_path)], {}), {})
    worker = stack.spawn(
        "task worker", [sys.executable, "-c", "import time; time.sleep(60)"], restart=True
    )
    stack.spawn("gunicorn", [sys.executable, "-c", "raise SystemExit(3)"])
    assert stack.supervise() == 1
    assert worker.poll() is not None


def varnishd_command(tmp_path, monkeypatch, environ) -> list[str]:
    """The command the stack would start Varnish with, under these variables."""
    stack = serve_stack.Stack(parse_options(["--state-dir", str(tmp_path)], environ), {})
    started = {}
    monkeypatch.setattr(
        stack, "spawn", lambda name, command, **_: started.setdefault(name, command)
    )
    monkeypatch.setattr(serve_stack, "wait_until_answering", lambda *_: None)
    stack.start_cache("/usr/sbin/varnishd")
    return started["varnishd"]


def test_varnish_logs_everything_only_when_asked(tmp_path, monkeypatch):
    """VARNISH_LOG=full drops the mask that keeps a cached answer's headers and timings out of
    Varnish's log (the real log's lean default is tested in test_stack.py)."""
    lean = varnishd_command(tmp_path, monkeypatch, {})
    at = lean.index(f"vsl_mask={serve_stack.LEAN_LOG_MASK}")
    assert lean[at - 1] == "-p"
    assert "-ReqHeader" in serve_stack.LEAN_LOG_MASK
    full = varnishd_command(tmp_path, monkeypatch, {"VARNISH_LOG": "full"})
    assert full == lean[: at - 1] + lean[at + 1 :]
