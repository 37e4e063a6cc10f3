#!/usr/bin/env python3
"""bench/report.py RESULTS.tsv META.txt: the Markdown report of bench/run.

RESULTS.tsv has lines PHASE<TAB>PATH<TAB>METRIC<TAB>VALUE (PHASE direct|delay, PATH tsproxy|
wireproxy|reference); META.txt has KEY=VALUE lines (a value may hold several k=v words).
"""
import math
import sys

PATHS = ["tsproxy", "wireproxy", "reference"]


def load(results_path, meta_path):
    res = {}
    with open(results_path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                res[(parts[0], parts[1], parts[2])] = parts[3]
    meta = {}
    with open(meta_path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" not in line:
                continue
            words = line.split()
            if len(words) > 1 and all("=" in w and w.split("=", 1)[0].isidentifier() for w in words):
                for w in words:  # "a=1 b=2": several values on one line
                    wk, wv = w.split("=", 1)
                    meta[wk] = wv
            else:
                k, v = line.split("=", 1)
                meta[k] = v
    return res, meta


def num(v):
    """The number in a value ('256/256' gives 256), or None."""
    if v is None or v == "":
        return None
    try:
        x = float(v.split("/")[0])
    except ValueError:
        return None
    return None if math.isnan(x) else x


def fmt(x, digits):
    if x is None:
        return "n/a"
    if digits == 0:
        return "%d" % round(x)
    return "%.*f" % (digits, x)


def rows_for(phase, meta):
    """(metric, label, better: 'hi'|'lo'|None, scale, digits, in target?) for one table."""
    n = int(meta.get("streams", 8))
    if phase == "direct":
        t1 = "best of %s, %s file, cut at %s s" % (meta["t1_trials"], meta["http_size_h"], meta["t1_max"])
        t8 = "%d parallel downloads, best of %s, each cut at %s s" % (n, meta["t8_trials"], meta["t8_max"])
        lat = "%s sequential connections" % meta["lat_n"]
        conc_rounds = meta.get("conc_rounds", "1")
    else:
        t1 = "best of %s, cut at %s s" % (meta["d_t1_trials"], meta["d_t1_max"])
        t8 = "%d parallel downloads, best of %s, each cut at %s s" % (n, meta["d_t8_trials"], meta["d_t8_max"])
        lat = "%s sequential connections" % meta["d_lat_n"]
        conc_rounds = "1"
    conc = "%s connections at once, %s KiB each, best of %s" % (
        meta["conc_n"], int(meta["source_bytes"]) // 1024, conc_rounds)
    rows = [
        ("t1_mbps", "1-stream throughput, MB/s (%s) ↑" % t1, "hi", 1, 1, True),
        ("t8_mbps", "%d-stream throughput, MB/s (%s) ↑" % (n, t8), "hi", 1, 1, True),
        ("lat_p50_ms", "CONNECT to first byte p50, ms (%s) ↓" % lat, "lo", 1, 2, True),
        ("lat_p99_ms", "CONNECT to first byte p99, ms ↓", "lo", 1, 2, True),
        ("conc_ok", "concurrent connections completed (%s) ↑" % conc, "hi", 1, None, True),
        ("conc_wall_s", "concurrent connections: wall time, s ↓", "lo", 1, 2, True),
    ]
    if phase == "direct":
        rows += [
            ("rss_idle_kib", "RSS idle (after one request), MiB ↓", "lo", 1 / 1024, 1, True),
            ("rss_256idle_kib", "RSS with %s idle connections open, MiB ↓" % meta["idle_n"], "lo", 1 / 1024, 1, True),
            ("rss_per_conn_kib", "RSS per idle connection, KiB ↓", "lo", 1, 1, True),
        ]
    rows += [
        ("hwm_kib", "peak RSS (VmHWM) at the end of the phase, MiB ↓", "lo", 1 / 1024, 1, True),
        ("cpu_s_per_gb", "CPU s per GB downloaded, client process ↓", "lo", 1, 2, True),
        ("peer_cpu_s_per_gb", "CPU s per GB, the peer's wireguard-go (context)", "lo", 1, 2, False),
        ("ack_kb_per_mb", "client-to-peer WireGuard kB per MB downloaded (ACKs; context)", "lo", 1, 1, False),
    ]
    return rows


def table(phase, res, meta, paths, summary):
    wp = "wireproxy %s" % meta.get("wireproxy_version", "")
    head = {"tsproxy": "tsproxy", "wireproxy": wp, "reference": "Go reference"}
    cols = [head[p] for p in paths]
    ratio_cols = []
    if "wireproxy" in paths:
        ratio_cols += ["tsproxy / wireproxy", "ahead of wireproxy?"]
    if "reference" in paths:
        ratio_cols += ["tsproxy / reference"]
    out = ["| row | " + " | ".join(cols + ratio_cols) + " |",
           "|---|" + "---:|" * (len(cols) + len(ratio_cols))]
    for metric, label, better, scale, digits, target in rows_for(phase, meta):
        vals = {p: res.get((phase, p, metric)) for p in paths}
        if all(v is None for v in vals.values()):
            continue
        cells = []
        for p in paths:
            v = vals[p]
            if digits is None:
                cells.append(v if v else "n/a")
            else:
                x = num(v)
                cells.append(fmt(None if x is None else x * scale, digits))
        ts = num(vals.get("tsproxy"))
        if "wireproxy" in paths:
            w = num(vals.get("wireproxy"))
            cells.append(fmt(ts / w, 2) if ts is not None and w else "n/a")
            if ts is None or w is None:
                cells.append("n/a")
            else:
                if ts == w:
                    mark = "tie"
                elif (ts > w) == (better == "hi"):
                    mark = "yes"
                else:
                    mark = "**no**"
                cells.append(mark)
                if target:
                    summary.setdefault(phase, []).append((label.split(",")[0].split(" (")[0], mark))
        if "reference" in paths:
            r = num(vals.get("reference"))
            cells.append(fmt(ts / r, 2) if ts is not None and r else "n/a")
        out.append("| " + label + " | " + " | ".join(cells) + " |")
    for p in paths:
        if (phase, p, "failed") in res:
            out.append("")
            out.append("%s: %s" % (p, res[(phase, p, "failed")]))
    return "\n".join(out)


def human_size(n):
    n = int(n)
    for unit in ["B", "KiB", "MiB", "GiB"]:
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if n == int(n) else ("%.1f %s" % (n, unit))
        n /= 1024
    return str(n)


def main():
    res, meta = load(sys.argv[1], sys.argv[2])
    meta["http_size_h"] = human_size(meta.get("http_size", "0"))
    paths = [p for p in PATHS if any(k[1] == p for k in res)]
    summary = {}
    o = []
    o.append("# tsnode bench: tsproxy vs wireproxy vs the Go reference path (%s run)" % meta.get("mode"))
    o.append("")
    o.append("%s · commit %s · %s · kernel %s" % (meta.get("date"), meta.get("commit"), meta.get("cpu"),
                                                  meta.get("kernel")))
    o.append("load average %s at the start, %s at the end; the run took %s s (%s)."
             % (meta.get("load_start"), meta.get("load_end"), meta.get("elapsed_s"),
                meta.get("phase_times", "")))
    try:
        busy = max(float(meta.get("load_start", "0").split()[0]), float(meta.get("load_end", "0").split()[0]))
        cores = int(meta.get("cpu", "x 1").rsplit("x", 1)[1])
        if busy > cores:
            o.append("**The machine was busy with other work (load above its %d cores): absolute numbers "
                     "are pessimistic and noisy; the paths shared the same conditions.**" % cores)
    except (ValueError, IndexError):
        pass
    o.append("tsproxy: %s (%s)." % (meta.get("tsproxy_bin"), meta.get("tsproxy_version")))
    o.append("Peer and Go reference client: %s." % meta.get("wireguard_go"))
    if meta.get("wireproxy_note"):
        o.append("")
        o.append("**wireproxy: %s** (its column is missing)." % meta["wireproxy_note"])
    elif "wireproxy" in paths:
        o.append("wireproxy %s: %s." % (meta.get("wireproxy_version"), meta.get("wireproxy_how")))
    o.append("")
    o.append("One wireguard-go peer in a network namespace (MTU %s), one Python HTTP/source/echo server "
             "behind it; the three clients run side by side, each with its own WireGuard key, but only "
             "one moves traffic at a time: every row's trials take turns over the paths. "
             "tsproxy and wireproxy: curl / bench/probe.py through SOCKS5 with user+password on "
             "127.0.0.1. Go reference: wireguard-go client in the root netns, its TUN in a client "
             "netns, curl / probe there with Linux TCP and no proxy. MB = 10^6 bytes. "
             "↑ higher is better, ↓ lower is better. See bench/README.md." % meta.get("mtu"))
    o.append("")
    o.append("## Direct (no added delay)")
    o.append("")
    o.append(table("direct", res, meta, paths, summary))
    if meta.get("do_delay") == "1":
        d = meta.get("delay_ms")
        o.append("")
        o.append("## %s ms added round-trip delay (impair_relay, %s ms each way)" % (d, num(d) / 2))
        o.append("")
        o.append(table("delay", res, meta, paths, summary))
        ceil = num(res.get(("delay", "reference", "relay_ceiling_mbps")))
        if ceil is not None:
            o.append("")
            o.append("impair_relay's own ceiling: the Go reference path through a relay with no added "
                     "delay reached %.1f MB/s (one download); throughput rows near that are bound by "
                     "the relay, not by the client." % ceil)
    o.append("")
    o.append("## Against the targets")
    o.append("")
    for phase, name in (("direct", "direct"), ("delay", "with added delay")):
        marks = summary.get(phase)
        if not marks:
            continue
        ahead = sum(1 for _, m in marks if m == "yes")
        behind = [r for r, m in marks if m == "**no**"]
        o.append("- tsproxy ahead of wireproxy, %s: %d of %d rows%s" % (
            name, ahead, len(marks), ("; behind on: " + "; ".join(behind)) if behind else ""))
    for phase, name in (("direct", "direct"), ("delay", "with added delay")):
        ts, ref = num(res.get((phase, "tsproxy", "t1_mbps"))), num(res.get((phase, "reference", "t1_mbps")))
        if ts is not None and ref:
            o.append("- single-stream tsproxy / Go reference, %s: %.2f (target ≥ 0.80: %s)"
                     % (name, ts / ref, "met" if ts / ref >= 0.8 else "**not met**"))
    o.append("")
    o.append("Every throughput trial, MB/s in run order (the paths took turns; the table keeps the best):")
    o.append("")
    for phase in ("direct", "delay"):
        for metric, name in (("t1_mbps_trials", "1-stream"), ("t8_mbps_trials", "%s-stream" % meta.get("streams", 8))):
            cells = ["%s %s" % (p, res[(phase, p, metric)]) for p in paths if (phase, p, metric) in res]
            if cells:
                o.append("- %s, %s: %s" % (phase, name, "; ".join(cells)))
    o.append("")
    o.append("Notes: the reference column's latency is a plain TCP connect to first byte (no SOCKS); "
             "its RSS and CPU are the client wireguard-go process only (Linux TCP runs in the kernel "
             "and is not counted). CPU s/GB counts user+system time of the client process over the "
             "throughput rows, divided by the bytes they downloaded.")
    print("\n".join(o))


if __name__ == "__main__":
    main()
