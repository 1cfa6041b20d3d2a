"""The table `make bench` prints, with each figure's target."""

TARGETS = {
    "front cache / nginx": 0.8,
    "page cache / whitenoise": 0.5,
    "miss req/s": 150,
    "posts/s": 200,
    "purge s": 1.0,
    "scale p50 ms": 20,
}


def table(results: dict) -> str:
    lines = [
        f"\nnewsportal stack, {results['size']} size, {results['database']} +"
        f" {results['cache']} cache; wrk {results['wrk']}, medians of {results['rounds']}"
        f" runs (the cached figures {results['rounds'] + 2}), each between two runs of its"
        f" ceiling (ratio: median of each run over the mean of those two);"
        f" load average {results['load_average'][0]:.1f} on {results['cpus']} CPUs at the end."
        f" cpu: the ceiling's server CPU time per request over the figure's (1 is as cheap).",
        "",
        f"{'figure':<40}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}  {'ceiling':<24}{'req/s':>8}"
        f"{'ratio':>7}{'cpu':>7}  target",
    ]
    for name, read in results["reads"].items():
        verdict = ""
        if read["target"] == "miss req/s":
            verdict = verdict_line(read["rps"] >= TARGETS["miss req/s"], f">= {150} req/s")
        elif read["target"]:
            goal = TARGETS[read["target"]]
            verdict = verdict_line(read["ratio"] >= goal, f"ratio >= {goal}")
        errors = read["non_2xx"] + read["socket_errors"]
        lines.append(
            f"{name:<40}{read['rps']:>8,.0f}{read['p50_ms']:>8.1f}{read['p99_ms']:>8.1f}"
            f"  {read['ceiling']:<24}{read['ceiling_rps']:>8,.0f}{read['ratio']:>7.2f}"
            + (f"{read['cpu_ratio']:>7.2f}" if read["cpu_ratio"] else f"{'':>7}")
            + f"  {verdict}"
            + (f"  ({errors} errors/non-2xx)" if errors else "")
        )
    posts = results["comment_posts"]
    all_stored = posts["stored"] == posts["accepted"] == posts["posts"]
    lines.append(
        f"{'comment posts (via Varnish)':<40}{posts['rps']:>8,.0f}{posts['p50_ms']:>8.1f}"
        f"{posts['p99_ms']:>8.1f}  {'the client, to nginx':<24}{posts['client_ceiling_rps']:>8,.0f}"
        f"{posts['ratio']:>7.2f}{'':>7}  "
        + verdict_line(
            posts["rps"] >= TARGETS["posts/s"] and all_stored and not posts["server_errors"],
            ">= 200/s, all stored, no 5xx",
        )
    )
    lines.append(
        f"    {posts['posts']} posts from {posts['addresses']} addresses: {posts['accepted']}"
        f" accepted, {posts['stored']} stored {posts['stored_by_status']}, answers"
        f" {posts['statuses']}; tokens fetched at {posts['token_fetch_rps']:,.0f}/s;"
        f" gunicorn CPU {posts['gunicorn_cpu_ms_per_post']:.1f} ms a post"
    )
    for reason, count in posts["refusals"].items():
        lines.append(f"    refused {count}: {reason}")
    lines.append("")
    lines.append(f"{'purge to visible (through Varnish)':<40}{'p50 s':>8}{'max s':>8}  target")
    for kind, purge in results["purge_to_visible"].items():
        if purge["tries"]:
            lines.append(
                f"{kind + f' ({purge["tries"]} tries)':<40}{purge['p50_s']:>8.3f}"
                f"{purge['max_s']:>8.3f}  "
                + verdict_line(purge["max_s"] < TARGETS["purge s"], "max < 1 s")
            )
    lines.append("")
    lines.append(f"{'one client, page cache off':<40}{'p50 ms':>8}{'max ms':>8}  target")
    for name, page in results["scale_sequential"].items():
        lines.append(
            f"{name:<40}{page['p50_ms']:>8.1f}{page['max_ms']:>8.1f}  "
            + verdict_line(page["p50_ms"] < TARGETS["scale p50 ms"], "p50 < 20 ms")
        )
    if results["logged_errors_count"]:
        lines.append(f"\nerrors the servers logged: {results['logged_errors_count']} (JSON)")
    return "\n".join(lines)


def verdict_line(met: bool, goal: str) -> str:
    return f"{goal}: {'met' if met else 'MISSED'}"
