"""Reads the hub's /actuator/prometheus text and prints one figure. Used by bench/deliver.sh.

  metrics.py URL counts      -> "accepted processed queued delivered" (totals so far)
  metrics.py URL latency     -> "p50_ms p99_ms count" of storeganise_delivery_latency over all destinations,
                                from the cumulative histogram buckets (linear interpolation in a bucket)
"""
import re
import sys
import urllib.request

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+|NaN|\+Inf)')


def scrape(url):
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ''))
            yield m.group(1), labels, float(m.group(3))


def counts(url):
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
    print('%d %d %d %d' % (accepted, processed, queued, delivered))


def latency(url):
    buckets = {}
    for name, labels, value in scrape(url):
        if name == 'storeganise_delivery_latency_seconds_bucket':
            le = float('inf') if labels['le'] == '+Inf' else float(labels['le'])
            buckets[le] = buckets.get(le, 0.0) + value
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


if __name__ == '__main__':
    {'counts': counts, 'latency': latency}[sys.argv[2]](sys.argv[1])
