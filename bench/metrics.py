"""Reads the hub's /actuator/prometheus text. Used by bench/deliver.sh and bench/matrix.sh.

  metrics.py URL counts      -> "accepted processed queued delivered" (totals so far)
  metrics.py URL latency     -> "p50_ms p99_ms count" of storeganise_delivery_latency over all destinations,
                                from the cumulative histogram buckets (linear interpolation in a bucket)
  metrics.py URL watch FILE  -> appends "epoch_s accepted processed queued delivered" to FILE every second
                                until stopped (one process for the whole run, not one per sample)
  metrics.py URL drain FANOUT TIMEOUT_S
                             -> waits until every accepted event is processed and FANOUT x accepted are
                                delivered, then 2 s more for any delivery beyond that (a double) to show;
                                prints "drained|timeout seconds accepted processed queued delivered"
  metrics.py - profile FILE [THREAD]
                             -> from async-profiler's collapsed stacks (bench_profiler): the samples by
                                thread, and for the threads whose name holds THREAD (JmsConsumer: the
                                events consumers) the classes they spent their samples in (inclusive) and
                                the hottest frames
  metrics.py - load FILE START END DONE FANOUT
                             -> from a watch FILE, for a load sent between epochs START and END and
                                delivered by DONE: "during_per_s backlog_peak events_peak deliveries_peak
                                after_per_s" (deliveries/s while sending and between END and DONE; backlog:
                                events not yet dispatched + FANOUT x dispatched not yet delivered: the hub
                                tries deliveries at once and counts only those it queues, so queued_total
                                is not the number of deliveries)
"""
import json
import re
import sys
import time
import urllib.request

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+|NaN|\+Inf)')


def scrape(url):
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ''))
            yield m.group(1), labels, float(m.group(3))


def totals(url):
    accepted = processed = queued = delivered = 0.0
    for name, labels, value in scrape(url):
        if name == 'storeganise_webhook_received_total' and labels.get('outcome') == 'accepted':
            accepted += value
        elif name == 'storeganise_events_processed_total':
            processed += value
        elif name == 'storeganise_deliveries_queued_total':
            queued += value
        elif name == 'storeganise_deliveries_total' and labels.get('outcome') == 'delivered':
            delivered += value
    return int(accepted), int(processed), int(queued), int(delivered)


def counts(url):
    print('%d %d %d %d' % totals(url))


def watch(url, path):
    with open(path, 'a', buffering=1) as out:
        while True:
            started = time.time()
            try:
                out.write('%.2f %d %d %d %d\n' % ((started,) + totals(url)))
            except OSError:
                pass  # the hub is busy or stopping: skip the sample
            time.sleep(max(0.0, 1.0 - (time.time() - started)))


def drain(url, fanout, timeout):
    fanout, started = int(fanout), time.time()
    while True:
        a, p, q, d = totals(url)
        if p >= a and d >= fanout * a:
            elapsed = time.time() - started
            time.sleep(2)
            print('drained %.1f %d %d %d %d' % ((elapsed,) + totals(url)))
            return
        if time.time() - started > float(timeout):
            print('timeout %.1f %d %d %d %d' % (time.time() - started, a, p, q, d))
            return
        time.sleep(0.5)


def load(_, path, start, end, done, fanout):
    start, end, done, fanout = float(start), float(end), float(done), int(fanout)
    samples = [tuple(float(x) for x in line.split()) for line in open(path) if len(line.split()) == 5]
    peak = events_peak = deliveries_peak = 0
    for t, a, p, q, d in samples:
        events_peak = max(events_peak, a - p)
        deliveries_peak = max(deliveries_peak, fanout * p - d)
        peak = max(peak, a - p + fanout * p - d)

    def rate(first, last):  # deliveries/s between the samples nearest to two moments
        inside = [s for s in samples if first <= s[0] <= last]
        return (inside[-1][4] - inside[0][4]) / (inside[-1][0] - inside[0][0]) if len(inside) > 1 else 0
    print('%.0f %d %d %d %.0f' % (rate(start, end), peak, events_peak, deliveries_peak, rate(end, done)))


def latency_buckets(url):
    buckets = {}
    for name, labels, value in scrape(url):
        if name == 'storeganise_delivery_latency_seconds_bucket':
            le = float('inf') if labels['le'] == '+Inf' else float(labels['le'])
            buckets[le] = buckets.get(le, 0.0) + value
    return buckets


def snapshot(url):  # the latency histogram now, for latency(url, file) to leave out (a warm-up)
    print(json.dumps({repr(k): v for k, v in latency_buckets(url).items()}))


def latency(url, baseline=None):
    buckets = latency_buckets(url)
    if baseline:
        for k, v in json.load(open(baseline)).items():
            le = float(k)
            buckets[le] = buckets.get(le, 0.0) - v
    bounds = sorted(buckets)
    total = buckets[bounds[-1]] if bounds else 0

    def quantile(q):
        rank = q * total
        previous_bound, previous_count = 0.0, 0.0
        for b in bounds:
            if buckets[b] >= rank:
                if b == float('inf'):
                    return previous_bound
                width = buckets[b] - previous_count
                return previous_bound + (b - previous_bound) * ((rank - previous_count) / width if width else 1)
            previous_bound, previous_count = b, buckets[b]
        return previous_bound

    print('%.0f %.0f %d' % (quantile(0.5) * 1000, quantile(0.99) * 1000, total))


def lookups(url):  # Storeganise API look-ups since the hub started, by outcome (found, cached, not-found, ...)
    by_outcome = {}
    for name, labels, value in scrape(url):
        if name == 'storeganise_enrich_lookups_total':
            outcome = labels.get('outcome', '?')
            by_outcome[outcome] = by_outcome.get(outcome, 0) + value
    print('look-ups since start: ' + (', '.join('%s %d' % kv for kv in sorted(by_outcome.items())) or 'none'))


def thread_group(name):  # a thread's name without its number: the threads of one pool together
    return re.sub(r'\s*(thread )?#\d+|-\d+$|\d+$', '', name).strip() or name


def threads(_, before, after):  # CPU share by thread group between two bench_hub_thread_ticks listings
    def read(path):
        rows = {}
        for line in open(path):
            tid, name, ticks = line.rstrip('\n').split('\t')
            rows[tid] = (thread_group(name), int(ticks))
        return rows
    start, end = read(before), read(after)
    groups = {}
    for tid, (name, ticks) in end.items():
        groups[name] = groups.get(name, 0) + ticks - start.get(tid, (name, 0))[1]
    total = sum(groups.values()) or 1
    top = sorted(groups.items(), key=lambda g: -g[1])[:12]
    print(', '.join('%s %.0f%%' % (n, 100.0 * t / total) for n, t in top if t > 0))


def profile(_, path, group='JmsConsumer'):  # where a collapsed-stacks profile (bench_profiler) went
    by_thread, in_group, inclusive, leaf = {}, 0, {}, {}
    for line in open(path):
        stack, _, n = line.rstrip('\n').rpartition(' ')
        frames, n = stack.split(';'), int(n)
        thread = thread_group(re.sub(r'\s*tid=\d+$', '', frames[0].strip('[]')))
        by_thread[thread] = by_thread.get(thread, 0) + n
        if group not in frames[0]:
            continue
        in_group += n
        # a class counted once per stack: the share of the group's samples spent in it or below it; only the
        # hub's own classes and the endpoints' producers (every stack passes Camel's pipeline classes)
        for cls in {re.sub(r'\$\$Lambda.*|\.[^./]*$', '', f).replace('/', '.') for f in frames[1:] if '/' in f}:
            if cls.startswith('io.storehub.') or cls.endswith('Producer'):
                name = cls.replace('io.storehub.hub.', '')
                inclusive[name] = inclusive.get(name, 0) + n
        top = frames[-1].replace('/', '.')
        leaf[top] = leaf.get(top, 0) + n
    total = sum(by_thread.values()) or 1
    share = lambda d, of: ', '.join('%s %.1f%%' % (k, 100.0 * v / of) for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:12])
    print('samples %d; by thread: %s' % (total, share(by_thread, total)))
    if in_group:
        print('%s threads, %.1f%% of the samples; in (inclusive) the hub\'s classes and the endpoints\' producers: %s'
              % (group, 100.0 * in_group / total, share(inclusive, in_group)))
        print('%s threads, hottest frames: %s' % (group, share(leaf, in_group)))


if __name__ == '__main__':
    {'counts': counts, 'latency': latency, 'snapshot': snapshot, 'watch': watch, 'drain': drain, 'load': load, 'threads': threads, 'lookups': lookups, 'profile': profile}[sys.argv[2]](sys.argv[1], *sys.argv[3:])
