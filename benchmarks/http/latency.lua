-- wrk reporting hook: one JSON line with what benchmarks/http/run.mjs needs (latencies in µs).
done = function(summary, latency, requests)
  local s = summary
  io.write(string.format(
    'JSON {"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"status_errors":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}\n',
    s.requests, s.duration, s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout, s.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
