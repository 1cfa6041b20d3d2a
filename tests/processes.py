"""Run test code in separate OS processes, as a server's workers run: each with its own memory,
cache and database connection, all using this test run's database."""

import multiprocessing
import os

from django.db import connections


def _worker(database_name: str, function_path: str, arguments: tuple, results) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings_test")
    django.setup()
    from django.db import connections as worker_connections
    from django.test.utils import setup_test_environment
    from django.utils.module_loading import import_string

    setup_test_environment()

    worker_connections["default"].settings_dict["NAME"] = database_name
    try:
        results.put(import_string(function_path)(*arguments))
    finally:
        worker_connections.close_all()


def in_worker_processes(function_path: str, arguments_per_worker: list[tuple]) -> list:
    """Call the function at `function_path` once per argument tuple, each call in a process
    of its own (started fresh, not forked: no lock of this process is inherited), all at once.
    The test must commit its data first (`django_db(transaction=True)`)."""
    database_name = connections["default"].settings_dict["NAME"]
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [
        context.Process(target=_worker, args=(database_name, function_path, arguments, results))
        for arguments in arguments_per_worker
    ]
    for process in processes:
        process.start()
    collected = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0, f"a worker process failed ({process.exitcode})"
    return collected
