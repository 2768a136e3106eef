// bind addresses and options, against what haproxy 2.6.12 printed for the same lines.
import t from 'tap';
import { layout, load } from './server-bind-helpers.js';

type Case = readonly [what: string, fe: string, verdict: 'valid' | 'invalid', alerts: readonly string[], warnings?: readonly string[]];

const BE = '    server s1 127.0.0.1:18081';
const B = '    bind 127.0.0.1:18080';
const P = "'bind 127.0.0.1:18080' in section 'frontend'";

const ADDRESS: readonly Case[] = [
  ['the address forms HAProxy accepts', [
    '    bind 127.0.0.1:18080', '    bind :18081', '    bind *:18082', '    bind 0.0.0.0:18083', '    bind [::1]:18084', '    bind :::18085',
    '    bind ::1:18086', '    bind ipv4@127.0.0.1:18087', '    bind ipv6@:18088', '    bind 127.0.0.1:18089-18091',
    '    bind 127.0.0.1:18092,127.0.0.1:18093', '    bind unix@/tmp/halyard-b.sock', '    bind /tmp/halyard-b2.sock mode 600', '    bind abns@halyard-b',
  ].join('\n'), 'valid', []],
  ['a trailing comma in the list', '    bind 127.0.0.1:18080,', 'valid', []],
  ['an unset variable leaving only the port', '    bind $NOPE:18080', 'valid', []],
  ['digits followed by garbage in the port (atoi)', '    bind 127.0.0.1:18080abc', 'valid', []],
  ['no argument', '    bind', 'invalid', ["7: 'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments."]],
  ['no port', '    bind 127.0.0.1', 'invalid', ["7: 'bind' : missing port specification in '127.0.0.1'"]],
  ['a bracketed IPv6 address without a port', '    bind [::1]', 'invalid', ["7: 'bind' : missing port specification in '[::1]'"]],
  ['a bare IPv6 address without a port', '    bind ::1', 'invalid', ["7: 'bind' : invalid address: ':' in '::1'"]],
  ['letters in the port', '    bind 127.0.0.1:abc', 'invalid', ["7: 'bind' : invalid character 'a' in port number 'abc' in '127.0.0.1:abc'"]],
  ['port 0', '    bind 127.0.0.1:0', 'invalid', ["7: 'bind' : invalid port '0'"]],
  ['port 70000', '    bind 127.0.0.1:70000', 'invalid', ["7: 'bind' : invalid port '70000'"]],
  ['a reversed range', '    bind 127.0.0.1:18095-18093', 'invalid', ["7: 'bind' : invalid port range '18095-18093'"]],
  ['a port offset', '    bind 127.0.0.1:+1', 'invalid', ["7: 'bind' : port offset not permitted here in '127.0.0.1:+1'"]],
  ['an invalid dotted quad', '    bind 300.1.1.1:18080', 'invalid', ["7: 'bind' : invalid address: '300.1.1.1' in '300.1.1.1:18080'"]],
  ['an IPv6 address under ipv4@', '    bind ipv4@:::18080', 'invalid', ["7: 'bind' : invalid address: '::' in 'ipv4@:::18080'"]],
  ['an empty element in the list', '    bind 127.0.0.1:18080,,127.0.0.1:18081', 'invalid', ["7: 'bind' : '' resolves to an empty address (environment variable missing?)"]],
  ['a space after a comma inside quotes', '    bind "127.0.0.1:18080, 127.0.0.1:18081"', 'invalid', ["7: 'bind' : invalid address: ' 127.0.0.1' in ' 127.0.0.1:18081'"]],
  ['fd@ with letters', '    bind fd@abc', 'invalid', ["7: 'bind' : file descriptor 'abc' is not a valid integer in 'fd@abc'"]],
  ['udp@', '    bind udp@:53', 'invalid', ["7: 'bind' : dgram-type address not acceptable in 'udp@:53'"]],
  ['quic4@', '    bind quic4@:443', 'invalid', ["7: 'bind' : unsupported stream protocol for datagram family 2 address 'quic4@:443'; QUIC is not compiled in if this is what you were looking for."]],
];

const OPTIONS: readonly Case[] = [
  ['the listener options', `${B} name main id 7 backlog 128 maxconn 100 accept-proxy\n    bind [::1]:18081 v6only\n    bind :::18082 v4v6`, 'valid', []],
  ['unix socket ownership', '    bind unix@/tmp/halyard-b3.sock mode 600 user root group root uid 0 gid 0', 'valid', []],
  ['stats-socket options on a bind line', `${B} level admin expose-fd listeners severity-output string`, 'valid', []],
  ['unparsable integers read as 0 (atol)', `${B} maxconn abc backlog abc uid abc`, 'valid', []],
  ['an unknown option', `${B} frobnicate`, 'invalid', [`7: ${P}: unknown keyword 'frobnicate'.`]],
  ['a misspelt option, with a suggestion', `${B} maxconnn 5`, 'invalid', [`7: ${P}: unknown keyword 'maxconnn'; did you mean 'maxconn' maybe ?`]],
  ['a misspelt ssl', `${B} sssl`, 'invalid', [`7: ${P}: unknown keyword 'sssl'; did you mean 'ssl' maybe ?`]],
  ['maxconn without a value', `${B} maxconn`, 'invalid', [`7: ${P} : 'maxconn' : missing value`]],
  ['a negative maxconn', `${B} maxconn -1`, 'invalid', [`7: ${P} : 'maxconn' : invalid value -1, must be >= 0`]],
  ['a negative backlog', `${B} backlog -1`, 'invalid', [`7: ${P} : 'backlog' : invalid value -1, must be > 0`]],
  ['name without a value', `${B} name`, 'invalid', [`7: ${P} : 'name' : missing name`]],
  ['id 0', `${B} id 0`, 'invalid', [`7: ${P} : 'id' : custom id has to be > 0`]],
  ['id abc', `${B} id abc`, 'invalid', [`7: ${P} : 'id' : expects an integer argument, found 'abc'`]],
  ['a duplicate bind id', `${B} id 3\n    bind 127.0.0.1:18081 id 3`, 'invalid', [`8: 'bind 127.0.0.1:18081' in section 'frontend' : 'id' : custom id 3 already used at FILE:7 ('bind 127.0.0.1:18080')`]],
  ['id on a port range', '    bind 127.0.0.1:18080-18082 id 5', 'invalid', ["7: 'bind 127.0.0.1:18080-18082' in section 'frontend' : 'id' can only be used with a single socket"]],
  ['a bad mode', `${B} mode abc`, 'invalid', [`7: ${P} : 'mode' : missing or invalid mode 'abc' (octal integer expected)`]],
  ['an unknown user', '    bind /tmp/halyard-b4.sock user nosuchuser', 'invalid', ["7: 'bind /tmp/halyard-b4.sock' in section 'frontend' : 'user' : unknown user name 'nosuchuser'"]],
  ['an unknown group', '    bind /tmp/halyard-b4.sock group nosuchgrp', 'invalid', ["7: 'bind /tmp/halyard-b4.sock' in section 'frontend' : 'group' : unknown group name 'nosuchgrp'"]],
  ['a bad level', `${B} level bogus`, 'invalid', [`7: ${P} : 'level' only supports 'user', 'operator', and 'admin' (got 'bogus')`]],
  ['a bad severity-output', `${B} severity-output bogus`, 'invalid', [`7: ${P} : 'severity-output' only supports 'none', 'number', and 'string' (got 'bogus')`]],
  ['a bad expose-fd', `${B} expose-fd bogus`, 'invalid', [`7: ${P} : 'expose-fd' only supports 'listeners' (got 'bogus')`]],
  ['nice out of range', `${B} nice 2000`, 'invalid', [`7: ${P} : 'nice' : invalid value 2000, allowed range is -1024..1024`]],
  ['accept-netscaler-cip without a value', `${B} accept-netscaler-cip`, 'invalid', [`7: ${P} : 'accept-netscaler-cip' : missing value`]],
  ['interface without a value', `${B} interface`, 'invalid', [`7: ${P} : 'interface' : missing interface name`]],
  ['thread 99', `${B} thread 99`, 'invalid', [`7: ${P} : '99' : '99' is not a valid number/range. It supports numbers from 1 to 64.`]],
  ['process 1 is deprecated', `${B} process 1`, 'valid', [], [`7: ${P} : 'process 1' on 'bind' lines is deprecated and will be removed in 2.7.`]],
  // Halyard's own refusals and no-ops
  ['ssl (no TLS in Halyard)', `${B} ssl crt /x.pem`, 'invalid', [`7: ${P} : 'bind' option 'ssl' is not supported by Halyard (no TLS).`]],
  ['transparent', `${B} transparent`, 'invalid', [`7: ${P} : 'bind' option 'transparent' is not supported by Halyard (Node cannot set IP_TRANSPARENT).`]],
  ['tfo (a TCP tuning knob)', `${B} tfo`, 'valid', [], [`7: ${P} : 'bind' option 'tfo' has no effect in Halyard (no TCP Fast Open in Node); ignored.`]],
];

for (const [group, cases] of [['addresses', ADDRESS], ['options', OPTIONS]] as const) {
  t.test(`bind ${group}: verdict, line and message as haproxy prints them`, async (t) => {
    for (const [what, fe, verdict, alerts, warnings] of cases) {
      const r = await load(layout(BE, fe));
      const fix = (m: string): string => m.replaceAll('FILE', r.file);
      t.equal(r.verdict === 'invalid' ? 'invalid' : 'valid', verdict, `${what}: verdict`);
      t.same(r.alerts, alerts.map(fix), `${what}: alerts`);
      if (warnings !== undefined) t.same(r.warnings, warnings.map(fix), `${what}: warnings`);
    }
  });
}

t.test('bind placement: ignored with a warning in a backend, refused in defaults', async (t) => {
  let r = await load(layout(`    bind 127.0.0.1:18085\n${BE}`));
  t.same(r.warnings, ["10: 'bind' ignored because backend 'be' has no frontend capability."]);
  r = await load('defaults\n    bind 127.0.0.1:18085\n');
  t.same(r.alerts, ["2: 'bind' not allowed in 'defaults' section."]);
});

t.test('fd@${NAME} is expanded even unquoted, as HAProxy expands addresses itself', async (t) => {
  const r = await load(layout(BE, '    bind fd@${LISTEN_FD}'), { env: { LISTEN_FD: 'x9' } });
  t.same(r.alerts, ["7: 'bind' : file descriptor 'x9' is not a valid integer in 'fd@${LISTEN_FD}'"]);
});

t.test('the model carries what the listeners need', async (t) => {
  const r = await load(layout(BE, [
    '    bind 127.0.0.1:18080-18082,[::1]:9000 name web maxconn 50 backlog 64 accept-proxy',
    '    bind unix@/tmp/halyard-b5.sock mode 660 uid 0 gid 0 level admin',
    '    bind abns@hal,ipv6@:8443 v6only',
    '    bind *:80',
  ].join('\n')));
  t.equal(r.verdict, 'valid');
  const binds = r.config?.proxies.find((p) => p.name === 'fe')?.binds ?? [];
  t.same(binds[0]?.addresses, [
    { family: 'ipv4', host: '127.0.0.1', portLow: 18080, portHigh: 18082 },
    { family: 'ipv6', host: '::1', portLow: 9000, portHigh: 9000 },
  ]);
  t.same(binds[0]?.options, { name: 'web', maxconn: 50, backlog: 64, acceptProxy: true });
  t.same(binds[1]?.addresses, [{ family: 'unix', host: '', portLow: 0, portHigh: 0, path: '/tmp/halyard-b5.sock' }]);
  t.same(binds[1]?.options, { mode: 0o660, uid: 0, gid: 0, level: 'admin' });
  t.same(binds[2]?.addresses, [
    { family: 'abns', host: '', portLow: 0, portHigh: 0, path: 'hal' },
    { family: 'ipv6', host: '::', portLow: 8443, portHigh: 8443 },
  ], 'abns@ and ipv6@ in one comma list');
  t.same(binds[2]?.options, { v6only: true });
  t.same(binds[3]?.addresses, [{ family: 'ipv4', host: '0.0.0.0', portLow: 80, portHigh: 80 }]);
});

t.test('bind names resolve at load; an unresolvable one fails the check', async (t) => {
  let r = await load(layout(BE, '    bind nosuch.invalid:18080'), { noResolve: false });
  t.equal(r.verdict, 'invalid');
  t.same(r.alerts, ["7: 'bind' : invalid address: 'nosuch.invalid' in 'nosuch.invalid:18080'"]);
  r = await load(layout(BE, '    bind localhost:18080'), { noResolve: false });
  t.equal(r.verdict, 'valid');
});
