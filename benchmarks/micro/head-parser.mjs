// Micro-benchmark: heads/s for a typical browser request through lib/http1, beside a
// naive split/regex/toLowerCase parser (the style DESIGN.md measured as costing ~25%).
// Not a test. Run:  npx tsc -p tsconfig.build.json && node benchmarks/micro/head-parser.mjs
// Knobs: SECONDS (per candidate, default 2).
import { HeadReader, RequestHead, encodeRequestHead, parseRequestHead } from '../../dist/lib/http1/index.js';

const REQ = Buffer.from(
  'GET /assets/app.js?v=1234 HTTP/1.1\r\n' +
    'Host: www.example.com\r\n' +
    'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n' +
    'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n' +
    'Accept-Language: en-US,en;q=0.9\r\n' +
    'Accept-Encoding: gzip, deflate, br\r\n' +
    'Referer: https://www.example.com/\r\n' +
    'Cookie: session=abcdef0123456789; theme=dark; _ga=GA1.2.123456789.1700000000\r\n' +
    'Connection: keep-alive\r\n' +
    'Sec-Fetch-Dest: script\r\n' +
    'Sec-Fetch-Mode: no-cors\r\n' +
    'Sec-Fetch-Site: same-origin\r\n' +
    'Cache-Control: no-cache\r\n\r\n',
  'latin1',
);
const SECONDS = Number(process.env.SECONDS ?? 2);

const reader = new HeadReader();
const head = new RequestHead();
function halyard() {
  reader.reset();
  const end = reader.push(REQ);
  if (parseRequestHead(reader.buffer, reader.start, end, head) !== 0) throw new Error(head.error);
  return head.count;
}
function halyardEncode() {
  halyard();
  return encodeRequestHead(head).length;
}
function naive() {
  const text = REQ.toString('latin1');
  const [headText] = text.split('\r\n\r\n');
  const lines = headText.split('\r\n');
  const [method, uri, version] = lines[0].split(' ');
  const headers = {};
  for (const line of lines.slice(1)) {
    const m = /^([^:\s]+):\s*(.*?)\s*$/.exec(line);
    if (!m) throw new Error('bad');
    headers[m[1].toLowerCase()] = m[2];
  }
  return method.length + uri.length + version.length + Object.keys(headers).length;
}

function run(name, fn) {
  for (let i = 0; i < 20000; i++) fn(); // warm-up
  let n = 0;
  const t0 = process.hrtime.bigint();
  const limit = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 10000; i++) fn();
    n += 10000;
    elapsed = process.hrtime.bigint() - t0;
  }
  const rate = n / (Number(elapsed) / 1e9);
  console.log(`${name.padEnd(36)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} heads/s`);
  return rate;
}

console.log(`node ${process.version}, request head ${REQ.length} bytes, 12 headers, ${SECONDS}s per candidate`);
const a = run('lib/http1 reader + parse', halyard);
run('lib/http1 reader + parse + encode', halyardEncode);
const c = run('naive split/regex/toLowerCase', naive);
console.log(`ratio lib/http1 / naive: ${(a / c).toFixed(2)}x`);
