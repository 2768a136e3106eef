// server, default-server and server-template, against what haproxy 2.6.12 printed for the same
// lines (`haproxy -c`, recorded in a scratch folder with the layout of server-bind-helpers.ts).
import t from 'tap';
import { layout, load } from './server-bind-helpers.js';

type Case = readonly [what: string, be: string, verdict: 'valid' | 'invalid', alerts: readonly string[], warnings?: readonly string[]];

const S = '    server s1 127.0.0.1:18081';

const ADDRESS: readonly Case[] = [
  ['an IPv4 address with a port', S, 'valid', []],
  ['a bracketed IPv6 address with a port', '    server s1 [::1]:18081', 'valid', []],
  ['a bare IPv6 address whose port follows the last colon', '    server s1 ::1:18081', 'valid', []],
  ['a bracketed IPv6 address without a port', '    server s1 [::1]', 'valid', []],
  ['ipv4@ and ipv6@ prefixes', '    server s1 ipv4@127.0.0.1:18081\n    server s2 ipv6@::1:18081', 'valid', []],
  ['no port at all (the client\'s destination port)', '    server s1 127.0.0.1', 'valid', []],
  ['an empty port after the colon', '    server s1 127.0.0.1:', 'valid', []],
  ['+N and -N port offsets', '    server s1 127.0.0.1:+1\n    server s2 127.0.0.1:-1', 'valid', []],
  ['port 0', '    server s1 127.0.0.1:0', 'valid', []],
  ['0.0.0.0 and * (the original destination)', '    server s1 0.0.0.0\n    server s2 *:18081', 'valid', []],
  ['digits followed by garbage in the port (atoi)', '    server s1 127.0.0.1:18081abc', 'valid', []],
  ['a unix socket path, with and without unix@', '    server s1 /tmp/x.sock\n    server s2 unix@/tmp/y.sock', 'valid', []],
  ['an abstract socket', '    server s1 abns@foo', 'valid', []],
  ['tcp@, ip@ and stream+ prefixes', '    server s1 tcp@1.2.3.4:80\n    server s2 ip@1.2.3.4:80\n    server s3 stream+1.2.3.4:80', 'valid', []],
  ['an unset variable leaving only the port', '    server s1 $NOPE:80', 'valid', []],
  ['a port range', '    server s1 127.0.0.1:18081-18082', 'invalid', ["10: 'server be/s1' : port range not permitted here in '127.0.0.1:18081-18082'"]],
  ['a trailing dash in the port', '    server s1 1.2.3.4:80-', 'invalid', ["10: 'server be/s1' : port range not permitted here in '1.2.3.4:80-'"]],
  ['a port above 65535', '    server s1 127.0.0.1:65536', 'invalid', ["10: 'server be/s1' : invalid port '65536'"]],
  ['a service name as port', '    server s1 127.0.0.1:http', 'invalid', ["10: 'server be/s1' : invalid character 'h' in port number 'http' in '127.0.0.1:http'"]],
  ['fd@ on a server', '    server s1 fd@3', 'invalid', ["10: 'server be/s1' : a file descriptor is not acceptable here in 'fd@3'"]],
  ['a udp@ address', '    server s1 udp@1.2.3.4:53', 'invalid', ["10: 'server be/s1' : dgram-type address not acceptable in 'udp@1.2.3.4:53'"]],
  ['a quic4@ address', '    server s1 quic4@1.2.3.4:80', 'invalid', ["10: 'server be/s1' : unsupported stream protocol for datagram family 2 address 'quic4@1.2.3.4:80'; QUIC is not compiled in if this is what you were looking for."]],
  ['a name with an empty label', '    server s1 .bad.internal:80\n    server s2 a..b:80', 'invalid', ["10: 'server be/s1' : Can't create DNS resolution for server 's1'", "11: 'server be/s2' : Can't create DNS resolution for server 's2'"]],
  ['an address that is an empty variable', '    server s1 "${NOPE}"', 'invalid', ["10: 'server' expects <name> and <addr>[:<port>] as arguments."]],
  ['no address', '    server s1', 'invalid', ["10: 'server' expects <name> and <addr>[:<port>] as arguments."]],
  ['a slash in the name', '    server s/1 127.0.0.1:18081', 'invalid', ["10: character '/' is not permitted in server name 's/1'."]],
];

const OPTIONS: readonly Case[] = [
  ['the common options', `${S} check inter 3s fastinter 1s downinter 5s rise 3 fall 2 weight 10 backup cookie a maxconn 10 maxqueue 20 minconn 5 slowstart 10s send-proxy on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions`, 'valid', []],
  ['observe, error-limit and on-error', `${S} check observe layer4 error-limit 5 on-error mark-down`, 'valid', []],
  ['weight 0 and 256', `${S} weight 0\n    server s2 127.0.0.1:18082 weight 256`, 'valid', []],
  ['unparsable integers read as 0 (atol)', `${S} weight abc maxconn abc maxqueue -1 rise 1x`, 'valid', []],
  ['a check port out of range (atol, unchecked)', `${S} check port 70000`, 'valid', []],
  ['enabled, no-check and the other negations', `${S} disabled enabled check no-check backup no-backup send-proxy no-send-proxy`, 'valid', []],
  ['inter in microseconds', `${S} inter 100us`, 'valid', []],
  ['init-addr with methods and an IP', `${S} init-addr last,libc,none,127.0.0.2`, 'valid', []],
  ['pool and reuse settings', `${S} pool-max-conn 10 pool-purge-delay 5s max-reuse 100`, 'valid', []],
  ['an unknown keyword', `${S} wat`, 'invalid', ["10: 'server be/s1' : unknown keyword 'wat'."]],
  ['a misspelt keyword, with a suggestion', `${S} weigth 5`, 'invalid', ["10: 'server be/s1' : unknown keyword 'weigth'; did you mean 'weight' maybe ?"]],
  ['weight 257', `${S} weight 257`, 'invalid', ["10: 'server be/s1' : weight of server s1 is not within 0 and 256 (257).."]],
  ['a negative weight', `${S} weight -1`, 'invalid', ["10: 'server be/s1' : weight of server s1 is not within 0 and 256 (-1).."]],
  ['rise 0', `${S} check rise 0`, 'invalid', ["10: 'server be/s1' : 'rise' has to be > 0.."]],
  ['fall without a value', `${S} check fall`, 'invalid', ["10: 'server be/s1' : 'fall' expects an integer argument.."]],
  ['inter abc (2.6 names agent-inter)', `${S} check inter abc`, 'invalid', ["10: 'server be/s1' : unexpected character 'a' in 'agent-inter' argument of server s1.."]],
  ['fastinter 1x (same quirk)', `${S} check fastinter 1x`, 'invalid', ["10: 'server be/s1' : unexpected character 'x' in 'agent-inter' argument of server s1.."]],
  ['inter 0', `${S} check inter 0`, 'invalid', ["10: 'server be/s1' : invalid value 0 for argument 'inter' of server s1.."]],
  ['inter without a value', `${S} check inter`, 'invalid', ["10: 'server be/s1' : 'inter' expects a delay as argument.."]],
  ['inter 25d', `${S} inter 25d`, 'invalid', ["10: 'server be/s1' : timer overflow in argument <25d> to <inter> of server s1, maximum value is 2147483647 ms (~24.8 days).."]],
  ['slowstart 10x', `${S} slowstart 10x`, 'invalid', ["10: 'server be/s1' : unexpected character 'x' in 'slowstart' argument of server s1.."]],
  ['slowstart without a value (a NUL cuts the message)', `${S} slowstart`, 'invalid', ["10: 'server be/s1' : unexpected character '."]],
  ['cookie without a value', `${S} cookie`, 'invalid', ["10: 'server be/s1' : 'cookie' expects <value> as argument.."]],
  ['observe layer9', `${S} check observe layer9`, 'invalid', ["10: 'server be/s1' : 'observe' expects one of 'none', 'layer4', 'layer7' but got 'layer9'."]],
  ['on-error explode', `${S} check on-error explode`, 'invalid', ["10: 'server be/s1' : 'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or 'mark-down' but got 'explode'."]],
  ['on-marked-down explode', `${S} on-marked-down explode`, 'invalid', ["10: 'server be/s1' : 'on-marked-down' expects 'shutdown-sessions' but got 'explode'."]],
  ['on-marked-up explode', `${S} on-marked-up explode`, 'invalid', ["10: 'server be/s1' : 'on-marked-up' expects 'shutdown-backup-sessions' but got 'explode'."]],
  ['error-limit 0', `${S} error-limit 0`, 'invalid', ["10: 'server be/s1' : error-limit has to be > 0.."]],
  ['id 0', `${S} id 0`, 'invalid', ["10: 'server be/s1' : 'id' : custom id has to be > 0."]],
  ['id without a value', `${S} id`, 'invalid', ["10: 'server be/s1' : 'id' : expects an integer argument."]],
  ['a duplicate id', `${S} id 5\n    server s2 127.0.0.1:18082 id 5`, 'invalid', [`11: 'server be/s2' : 'id' : custom id 5 already used at FILE:10 ('server s1').`]],
  ['an unknown init-addr method', `${S} init-addr bogus`, 'invalid', ["10: 'server be/s1' : 'init-addr' : unknown init-addr method 'bogus', supported methods are 'libc', 'last', 'none'.."]],
  ['two init-addr IPs', `${S} init-addr 127.0.0.1,127.0.0.2`, 'invalid', ["10: 'server be/s1' : 'init-addr' : initial address already specified, cannot add '127.0.0.2'.."]],
  ['an invalid addr', `${S} check addr 300.0.0.1`, 'invalid', ["10: 'server be/s1' : 'addr' : invalid address: '300.0.0.1' in '300.0.0.1'."]],
  ['pool-max-conn -2', `${S} pool-max-conn -2`, 'invalid', ["10: 'server be/s1' : 'pool-max-conn' must be >= -1."]],
  ['pool-purge-delay 1x', `${S} pool-purge-delay 1x`, 'invalid', ["10: 'server be/s1' : unexpected character 'x' in argument to <pool-purge-delay>.."]],
  ['max-reuse without a value', `${S} max-reuse`, 'invalid', ["10: 'server be/s1' : 'max-reuse' expects <value> as argument.."]],
  ['usesrc without source', `${S} usesrc`, 'invalid', ["10: 'server be/s1' : 'usesrc' only allowed after a 'source' statement.."]],
  ['check and track together', `${S} check track s2`, 'invalid', ["10: 'server be/s1' : unable to enable checks and tracking at the same time!"]],
  ['the first bad option stops the line', `${S} fall 2 rise 0 weight 900`, 'invalid', ["10: 'server be/s1' : 'rise' has to be > 0.."]],
  ['a trailing timer unit is a warning', `${S} inter 1s500ms`, 'valid', [], ["10: 'server be/s1' : unexpected character '5' after the timer value '1s500ms', only (us=microseconds,ms=milliseconds,s=seconds,m=minutes,h=hours,d=days) are supported. This will be reported as an error in next versions."]],
  // Halyard's own refusals: HAProxy accepts these, Halyard would not honour them
  ['ssl (no TLS in Halyard)', `${S} ssl verify none`, 'invalid', ["10: 'server be/s1' : 'ssl' is not supported by Halyard (no TLS)."]],
  ['resolvers (no runtime DNS)', `${S} resolvers dns`, 'invalid', ["10: 'server be/s1' : 'resolvers' is not supported by Halyard (no runtime DNS resolvers)."]],
  ['agent-check', `${S} agent-check agent-port 1`, 'invalid', ["10: 'server be/s1' : 'agent-check' is not supported by Halyard (agent checks)."]],
  ['tfo (a TCP tuning knob)', `${S} tfo`, 'valid', [], ["10: 'server be/s1' : 'tfo' has no effect in Halyard (no TCP Fast Open from Node); ignored."]],
];

const DEFAULT_SERVER: readonly Case[] = [
  ['default-server options', '    default-server inter 3s fall 2 rise 4 weight 10 maxconn 50\n    server s1 127.0.0.1:18081 check', 'valid', []],
  ['an address on default-server', '    default-server 127.0.0.1:18081 check', 'invalid', ["10: unknown keyword '127.0.0.1:18081'. Hint: no address was expected for this server."]],
  ['an unknown default-server option', '    default-server wat', 'invalid', ["10: unknown keyword 'wat'. Hint: no address was expected for this server."]],
  ['a bad weight on default-server', '    default-server weight 300', 'invalid', ["10: weight of server default-server is not within 0 and 256 (300).."]],
  ['inter abc on default-server', '    default-server inter abc', 'invalid', ["10: unexpected character 'a' in 'agent-inter' argument of server default-server.."]],
  ['check inherited without any port', '    default-server check\n    server s1 127.0.0.1', 'invalid', ["-: config: backend 'be': server 's1' has neither service port nor check port."]],
  ['a port offset is no check port', '    server s1 127.0.0.1:+1 check', 'invalid', ["-: config: backend 'be': server 's1' has neither service port nor check port."]],
  ['a check port inherited', '    default-server check port 90\n    server s1 127.0.0.1', 'valid', []],
  // HAProxy prints an [ALERT] yet exits 0 (ERR_ALERT without ERR_FATAL); Halyard warns
  ['id on default-server', '    default-server id 5\n    server s1 127.0.0.1:18081', 'valid', [], ["10: 'id' option is not accepted in default-server sections"]],
];

const TEMPLATE_AND_POST: readonly Case[] = [
  ['server-template with a count', '    server-template web 3 127.0.0.1:80', 'valid', []],
  ['server-template 0', '    server-template web 0 127.0.0.1:80', 'invalid', ["10: Wrong server-template number or range arg '0'."]],
  ['server-template with a reversed range', '    server-template web 3-1 127.0.0.1:80', 'invalid', ["10: Wrong server-template number or range arg '3-1'."]],
  ['server-template without an address', '    server-template web 3', 'invalid', ["10: 'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments."]],
  ['a slash in a template prefix', '    server-template w/b 2 127.0.0.1:80', 'invalid', ["10: character '/' is not permitted in server-template prefix 'w/b'."]],
  ['a bad option on a template names (null)', '    server-template web 2 127.0.0.1:80 weight 300', 'invalid', ["10: 'server be/(null)' : weight of server (null) is not within 0 and 256 (300).."]],
  ['a server named like an expanded template server', '    server-template web 2 127.0.0.1:80\n    server web1 127.0.0.1:81', 'invalid', ["-: parsing [FILE:11] : backend 'be', another server named 'web1' was already defined at line 10, please use distinct names."]],
  ['a duplicate server name', `${S}\n    server s1 127.0.0.1:18082`, 'invalid', ["-: parsing [FILE:11] : backend 'be', another server named 's1' was already defined at line 10, please use distinct names."]],
  ['a duplicate of a server that has an id goes unnoticed', `${S} id 3\n    server s1 127.0.0.1:18082`, 'valid', []],
  ['track of a checked server', `${S} check\n    server s2 127.0.0.1:18082 track be/s1`, 'valid', []],
  ['track of a missing server', `${S} check\n    server s2 127.0.0.1:18082 track be/nope`, 'invalid', ["11: 'server be/s2' : unable to find required server 'nope' for tracking."]],
  ['track of an unchecked server', `${S}\n    server s2 127.0.0.1:18082 track s1`, 'invalid', ["11: 'server be/s2' : unable to use be/s1 for tracking as it does not have any check nor agent enabled."]],
  ['track without a value', `${S} track`, 'invalid', ["10: 'server be/s1' : 'track' expects [<proxy>/]<server> as argument.."]],
];

for (const [group, cases] of [['address', ADDRESS], ['options', OPTIONS], ['default-server', DEFAULT_SERVER], ['server-template and post-parse checks', TEMPLATE_AND_POST]] as const) {
  t.test(`server ${group}: verdict, line and message as haproxy prints them`, async (t) => {
    for (const [what, be, verdict, alerts, warnings] of cases) {
      const r = await load(layout(be));
      const fix = (m: string): string => m.replaceAll('FILE', r.file);
      t.equal(r.verdict === 'invalid' ? 'invalid' : 'valid', verdict, `${what}: verdict`);
      t.same(r.alerts, alerts.map(fix), `${what}: alerts`);
      if (warnings !== undefined) t.same(r.warnings, warnings.map(fix), `${what}: warnings`);
    }
  });
}

t.test('server placement errors use the bracketed form', async (t) => {
  const r = await load('defaults\n    server s1 127.0.0.1:18081\nfrontend fe\n    bind :80\n    default-server inter 3s\n');
  t.same(r.alerts, [
    "2: 'server' not allowed in 'defaults' section.",
    "5: parsing [" + r.file + ":5] : 'default-server' not allowed because frontend 'fe' has no backend capability.",
  ]);
  t.equal(r.diags[0]?.style, 'bracket');
});

t.test('the model carries what the runtime needs', async (t) => {
  const r = await load(layout([
    '    default-server inter 3s weight 10 check',
    '    server s1 127.0.0.1:18081 send-proxy-v2 check-send-proxy observe layer7 error-limit 4 on-error sudden-death',
    '    default-server no-check',
    '    server s2 [::1] backup disabled cookie c2 port 9000 addr 127.0.0.2 slowstart 1m pool-max-conn 5 max-reuse -1 track be/s1',
    '    server s3 127.0.0.1:-2 init-addr none,127.0.0.9',
    '    server-template w 2-3 unix@/tmp/w.sock id 7',
  ].join('\n')));
  t.equal(r.verdict, 'valid');
  const [s1, s2, s3, w2, w3] = r.config?.proxies.find((p) => p.name === 'be')?.servers ?? [];
  t.match(s1, { name: 's1', host: '127.0.0.1', family: 'ipv4', port: 18081, check: true, inter: 3000, weight: 10, sendProxy: 'v2', checkSendProxy: true, observe: 'layer7', errorLimit: 4, onError: 'sudden-death' });
  t.match(s2, { host: '::1', family: 'ipv6', check: false, inter: 3000, backup: true, disabled: true, cookie: 'c2', checkPort: 9000, checkAddr: '127.0.0.2', slowstart: 60000, poolMaxConn: 5, maxReuse: -1, track: 'be/s1' });
  t.equal(s2?.port, undefined, 'no port: the client destination port');
  t.match(s3, { portOffset: -2, initAddr: ['none', '127.0.0.9'] });
  t.match(w2, { name: 'w2', family: 'unix', host: '/tmp/w.sock', template: 'w', id: 7 });
  t.match(w3, { name: 'w3', template: 'w' });
  t.equal(w3?.id, undefined, 'only the first templated server takes the id');
  t.equal(r.config?.proxies.find((p) => p.name === 'be')?.defaultServer.check, false, 'later default-server lines change the preset');
});

t.test('passive-check settings take HAProxy\'s defaults (observe none, error-limit 10, on-error fail-check) unless set', async (t) => {
  const r = await load(layout([
    '    server s1 127.0.0.1:18081 check',
    '    default-server observe layer4 on-error mark-down',
    '    server s2 127.0.0.1:18082 check error-limit 3',
  ].join('\n')));
  t.equal(r.verdict, 'valid');
  const [s1, s2] = r.config?.proxies.find((p) => p.name === 'be')?.servers ?? [];
  t.match(s1, { observe: 'none', errorLimit: 10, onError: 'fail-check' });
  t.match(s2, { observe: 'layer4', errorLimit: 3, onError: 'mark-down' });
});

t.test('default-server in defaults reaches later backends; its own later lines only later servers', async (t) => {
  const text = [
    'defaults', '    mode http', '    timeout connect 5s', '    timeout client 5s', '    timeout server 5s', '    default-server check inter 7s',
    'frontend fe', '    bind 127.0.0.1:18080', '    default_backend be',
    'backend be', '    server s0 127.0.0.1:1', '    default-server no-check weight 3', '    server s1 127.0.0.1:2 weight 4',
  ].join('\n') + '\n';
  const r = await load(text);
  const [s0, s1] = r.config?.proxies.find((p) => p.name === 'be')?.servers ?? [];
  t.match(s0, { check: true, inter: 7000, weight: 1 });
  t.match(s1, { check: false, inter: 7000, weight: 4 });
});

t.test('server names resolve at load like init-addr says (real lookups of .invalid names)', async (t) => {
  const res = async (be: string, relaxedDns = false) => load(layout(be), { noResolve: false, relaxedDns });
  let r = await res('    server s1 nosuch.invalid:80');
  t.equal(r.verdict, 'invalid');
  t.same(r.alerts, ["10: 'server be/s1' : could not resolve address 'nosuch.invalid'.", '-: Failed to initialize server(s) addr.']);
  r = await res('    server s1 nosuch.invalid:80', true);
  t.equal(r.verdict, 'valid', '-dr');
  t.same(r.warnings, ["10: 'server be/s1' : could not resolve address 'nosuch.invalid', disabling server."]);
  r = await res('    server s1 nosuch.invalid:80 init-addr last,libc,none');
  t.same([r.verdict, r.warnings], ['valid', ["10: 'server be/s1' : could not resolve address 'nosuch.invalid', disabling server."]]);
  r = await res('    server s1 nosuch.invalid:80 init-addr libc,127.0.0.1');
  t.same([r.verdict, r.warnings], ['valid', ["10: 'server be/s1' : could not resolve address 'nosuch.invalid', falling back to configured address."]]);
  r = await res('    server s1 nosuch.invalid:80 init-addr last');
  t.same(r.alerts, ["10: 'server be/s1' : no method found to resolve address 'nosuch.invalid'.", '-: Failed to initialize server(s) addr.']);
  r = await res('    server-template web 1-2 nosuch.invalid:80');
  t.same(r.alerts, ["10: 'server be/web1' : could not resolve address 'nosuch.invalid'.", "10: 'server be/web2' : could not resolve address 'nosuch.invalid'.", '-: Failed to initialize server(s) addr.']);
});

t.test('literals never go to DNS: quiet init-addr, bad dotted quads and wrong families fail by themselves', async (t) => {
  const res = async (be: string) => load(layout(be), { noResolve: false });
  let r = await res('    server s1 nosuch.invalid:80 init-addr none\n    server s2 nosuch.invalid:80 init-addr 127.0.0.1');
  t.same([r.verdict, r.alerts, r.warnings], ['valid', [], []]);
  r = await res('    server s1 300.1.1.1:18081');
  t.same(r.alerts, ["10: 'server be/s1' : could not resolve address '300.1.1.1'.", '-: Failed to initialize server(s) addr.']);
  r = await res('    server s1 300.1.1.1:80 init-addr none');
  t.equal(r.verdict, 'valid');
  r = await res('    server s1 ipv6@127.0.0.1:80\n    server s2 ::1');
  t.same(r.alerts, ["10: 'server be/s1' : could not resolve address '127.0.0.1'.", "11: 'server be/s2' : could not resolve address ':'.", '-: Failed to initialize server(s) addr.']);
});
