// Sample fetch and converter signatures of HAProxy 2.6.12, as printed by `haproxy -dKsmp` and
// `haproxy -dKcnv` (Debian 2.6.12 build): generated data, not code. A fetch line is
// '<22 usage flags> name(args): type'; the flags are HAProxy's checkpoints in this order (Y = usable):
// fe tcp-req conn, fe tcp-req sess, fe tcp-req content, fe http-req hdr, fe http-req body, fe use-backend,
// be tcp-req content, be http-req hdr, be http-req body, be use-server, server source, be tcp-res content,
// be http-res hdr, be http-res body, be stick-store, fe tcp-res content, fe http-res hdr, fe http-res body,
// logs, be tcp-check, config parser, CLI. Regenerate: haproxy -dKsmp -q -c -f /dev/null | grep '^\['
/* eslint-disable */
export const FETCH_DUMP = `
YYYYYYYYYYYYYYYYYYYYYY always_false: bool
YYYYYYYYYYYYYYYYYYYYYY always_true: bool
YYYYYYYYYYYYYYYYYYYY.Y avg_queue(backend): sint
..YYYYYYYYY........... base: str
..YYYYYYYYY........... base32: sint
..YYYYYYYYY........... base32+src: bin
..YYYYYYYYY........... baseq: str
...........YYYYYYYYY.. bc_dst: sint
...........YYYYYYYYY.. bc_dst_port: sint
...........YYYYYYYYY.. bc_err: sint
...........YYYYYYYYY.. bc_err_str: str
...........YYYYYYYYY.. bc_http_major: sint
...........YYYYYYYYY.. bc_src: sint
...........YYYYYYYYY.. bc_src_port: sint
YYYYYYYYYYYYYYYYYYYY.Y be_conn(backend): sint
YYYYYYYYYYYYYYYYYYYY.Y be_conn_free(backend): sint
......YYYYYYYYYYYYYY.. be_id: sint
......YYYYYYYYYYYYYY.. be_name: str
......YYYYYYYYYYYYYY.. be_server_timeout: sint
YYYYYYYYYYYYYYYYYYYY.Y be_sess_rate(backend): sint
......YYYYYYYYYYYYYY.. be_tunnel_timeout: sint
YYYYYYYYYYYYYYYYYYYYYY bin(string): bin
YYYYYYYYYYYYYYYYYYYYYY bool(string): bool
..YYYYYYYYYYYYYYYYY... capture.req.hdr(integer): str
..YYYYYYYYYYYYYYYYY... capture.req.method: str
..YYYYYYYYYYYYYYYYY... capture.req.uri: str
..YYYYYYYYYYYYYYYYY... capture.req.ver: str
...........YYYYYYYYY.. capture.res.hdr(integer): str
..YYYYYYYYYYYYYYYYY... capture.res.ver: str
YYYYYYYYYYYYYYYYYYYY.Y connslots(backend): sint
..YYYYYYYYY........... cook([string]): str
..YYYYYYYYY........... cook_cnt([string]): sint
..YYYYYYYYY........... cook_val([string]): sint
..YYYYYYYYYYYYYYYY.Y.. cookie([string]): str
YYYYYYYYYYYYYYYYYYYY.Y cpu_calls: sint
YYYYYYYYYYYYYYYYYYYY.Y cpu_ns_avg: sint
YYYYYYYYYYYYYYYYYYYY.Y cpu_ns_tot: sint
......YYYYYYYYYYYYYY.. cur_server_timeout: sint
......YYYYYYYYYYYYYY.. cur_tunnel_timeout: sint
YYYYYYYYYYYYYYYYYYYYYY date([integer,string]): sint
YYYYYYYYYYYYYYYYYYYYYY date_us: sint
..YYYYYYYYYYYYYYYY.Y.. distcc_body(string[,integer]): bin
..YYYYYYYYYYYYYYYY.Y.. distcc_param(string[,integer]): sint
YYYYYYYYYYYYYYYYYYYY.. dst: ipv4
YYYYYYYYYYYYYYYYYYY... dst_conn: sint
YYYYYYYYYYYYYYYYYYYY.. dst_is_local: bool
YYYYYYYYYYYYYYYYYYYY.. dst_port: sint
YYYYYYYYYYYYYYYYYYYYYY env(string): str
YYYYYYYYYYYYYYYYYYYY.. fc_dst: ipv4
YYYYYYYYYYYYYYYYYYYY.. fc_dst_is_local: bool
YYYYYYYYYYYYYYYYYYYY.. fc_dst_port: sint
YYYYYYYYYYYYYYYYYYYY.. fc_err: sint
YYYYYYYYYYYYYYYYYYYY.. fc_err_str: str
YYYYYYYYYYYYYYYYYYYY.. fc_fackets([string]): sint
YYYYYYYYYYYYYYYYYYYY.. fc_http_major: sint
YYYYYYYYYYYYYYYYYYYY.. fc_lost([string]): sint
YYYYYYYYYYYYYYYYYYYY.. fc_pp_authority: str
YYYYYYYYYYYYYYYYYYYY.. fc_pp_unique_id: str
YYYYYYYYYYYYYYYYYYYY.. fc_rcvd_proxy: bool
YYYYYYYYYYYYYYYYYYYY.. fc_reordering([string]): sint
YYYYYYYYYYYYYYYYYYYY.. fc_retrans([string]): sint
YYYYYYYYYYYYYYYYYYYY.. fc_rtt([string]): sint
YYYYYYYYYYYYYYYYYYYY.. fc_rttvar([string]): sint
YYYYYYYYYYYYYYYYYYYY.. fc_sacked([string]): sint
YYYYYYYYYYYYYYYYYYYY.. fc_src: ipv4
YYYYYYYYYYYYYYYYYYYY.. fc_src_is_local: bool
YYYYYYYYYYYYYYYYYYYY.. fc_src_port: sint
YYYYYYYYYYYYYYYYYYYY.. fc_unacked([string]): sint
..YYYYYYYYY........... fcgi.docroot: str
..YYYYYYYYY........... fcgi.index: str
YYYYYYYYYYYYYYYYYYY... fe_client_timeout: sint
YYYYYYYYYYYYYYYYYYYY.Y fe_conn(frontend): sint
YYYYYYYYYYYYYYYYYYY... fe_defbe: str
YYYYYYYYYYYYYYYYYYY... fe_id: sint
YYYYYYYYYYYYYYYYYYY... fe_name: str
YYYYYYYYYYYYYYYYYYYY.Y fe_req_rate(frontend): sint
YYYYYYYYYYYYYYYYYYYY.Y fe_sess_rate(frontend): sint
..YYYYYYYYYYYYYYYY.Y.. hdr([string,integer]): str
..YYYYYYYYY........... hdr_cnt([string]): sint
..YYYYYYYYY........... hdr_ip([string,integer]): ipv4
..YYYYYYYYY........... hdr_val([string,integer]): sint
YYYYYYYYYYYYYYYYYYYYYY hostname: str
..YYYYYYYYY........... http_auth(user list): bool
..YYYYYYYYY........... http_auth_bearer([string]): str
..YYYYYYYYY........... http_auth_group(user list): str
..YYYYYYYYY........... http_auth_pass: str
..YYYYYYYYY........... http_auth_type: str
..YYYYYYYYY........... http_auth_user: str
..YYYYYYYYYYYYYYYYY... http_first_req: bool
YYYYYYYYYYYYYYYYYYYYYY int(integer): sint
..YYYYYYYYYYYYYYYY.Y.. internal.htx.data: sint
..YYYYYYYYYYYYYYYY.Y.. internal.htx.free: sint
..YYYYYYYYYYYYYYYY.Y.. internal.htx.free_data: sint
..YYYYYYYYYYYYYYYY.Y.. internal.htx.has_eom: bool
..YYYYYYYYYYYYYYYY.Y.. internal.htx.nbblks: sint
..YYYYYYYYYYYYYYYY.Y.. internal.htx.size: sint
..YYYYYYYYYYYYYYYY.Y.. internal.htx.used: sint
..YYYYYYYYYYYYYYYY.Y.. internal.htx_blk.data(string): bin
..YYYYYYYYYYYYYYYY.Y.. internal.htx_blk.hdrname(string): str
..YYYYYYYYYYYYYYYY.Y.. internal.htx_blk.hdrval(string): str
..YYYYYYYYYYYYYYYY.Y.. internal.htx_blk.size(string): sint
..YYYYYYYYYYYYYYYY.Y.. internal.htx_blk.start_line(string): str
..YYYYYYYYYYYYYYYY.Y.. internal.htx_blk.type(string): str
YYYYYYYYYYYYYYYYYYYY.Y internal.strm.is_htx: bool
YYYYYYYYYYYYYYYYYYYYYY ipv4(IPv4 address): ipv4
YYYYYYYYYYYYYYYYYYYYYY ipv6(IPv6 address): ipv6
YYYYYYYYYYYYYYYYYYYY.Y last_rule_file: str
YYYYYYYYYYYYYYYYYYYY.Y last_rule_line: sint
YYYYYYYYYYYYYYYYYYYY.Y lat_ns_avg: sint
YYYYYYYYYYYYYYYYYYYY.Y lat_ns_tot: sint
YYYYYYYYYYYYYYYYYYYYYY meth(string): meth
..YYYYYYYYYYYYYYYYY... method: meth
YYYYYYYYYYYYYYYYYYYYYY nbproc: sint
YYYYYYYYYYYYYYYYYYYY.Y nbsrv(backend): sint
..YYYYYYYYY........... path: str
..YYYYYYYYY........... pathq: str
..YYYYYYYYYYYYYYYY.Y.. payload(integer,integer): bin
..YYYYYYYYYYYYYYYY.Y.. payload_lv(integer,integer[,string]): bin
YYYYYYYYYYYYYYYYYYYY.Y prio_class: sint
YYYYYYYYYYYYYYYYYYYY.Y prio_offset: sint
YYYYYYYYYYYYYYYYYYYYYY proc: sint
..YYYYYYYYY........... query: str
YYYYYYYYYYYYYYYYYYYY.Y queue(backend): sint
YYYYYYYYYYYYYYYYYYYYYY rand([integer]): sint
..YYYYYYYYY........... rdp_cookie([string]): str
..YYYYYYYYY........... rdp_cookie_cnt([string]): sint
...........YYYYYYY.Y.. rep_ssl_hello_type: sint
..YYYYYYYYY........... req.body: bin
..YYYYYYYYY........... req.body_len: sint
..YYYYYYYYY........... req.body_param([string]): bin
..YYYYYYYYY........... req.body_size: sint
..YYYYYYYYY........... req.cook([string]): str
..YYYYYYYYY........... req.cook_cnt([string]): sint
..YYYYYYYYY........... req.cook_val([string]): sint
..YYYYYYYYY........... req.fhdr([string,integer]): str
..YYYYYYYYY........... req.fhdr_cnt([string]): sint
..YYYYYYYYY........... req.hdr([string,integer]): str
..YYYYYYYYY........... req.hdr_cnt([string]): sint
..YYYYYYYYY........... req.hdr_ip([string,integer]): ipv4
..YYYYYYYYY........... req.hdr_names([string]): str
..YYYYYYYYY........... req.hdr_val([string,integer]): sint
..YYYYYYYYY........... req.hdrs: bin
..YYYYYYYYY........... req.hdrs_bin: bin
..YYYYYYYYY........... req.len: sint
..YYYYYYYYY........... req.payload(integer,integer): bin
..YYYYYYYYY........... req.payload_lv(integer,integer[,string]): bin
..YYYYYYYYYYYYYYYYY... req.proto_http: bool
..YYYYYYYYY........... req.rdp_cookie([string]): str
..YYYYYYYYY........... req.rdp_cookie_cnt([string]): sint
..YYYYYYYYY........... req.ssl_alpn: str
..YYYYYYYYY........... req.ssl_ec_ext: bool
..YYYYYYYYY........... req.ssl_hello_type: sint
..YYYYYYYYY........... req.ssl_sni: str
..YYYYYYYYY........... req.ssl_st_ext: sint
..YYYYYYYYY........... req.ssl_ver: sint
..YYYYYYYYY........... req.ver: str
..YYYYYYYYY........... req_len: sint
..YYYYYYYYYYYYYYYYY... req_proto_http: bool
..YYYYYYYYY........... req_ssl_hello_type: sint
..YYYYYYYYY........... req_ssl_sni: str
..YYYYYYYYY........... req_ssl_ver: sint
..YYYYYYYYY........... req_ver: str
...........YYYYYYY.Y.. res.body: bin
...........YYYYYYY.Y.. res.body_len: sint
...........YYYYYYY.Y.. res.body_size: sint
..........YYYYYYYYYY.. res.cache_hit: bool
..........YYYYYYYYYY.. res.cache_name: str
...........YYYYYYYYY.. res.comp: bool
...........YYYYYYYYY.. res.comp_algo: str
...........YYYYYYY.Y.. res.cook([string]): str
...........YYYYYYY.Y.. res.cook_cnt([string]): sint
...........YYYYYYY.Y.. res.cook_val([string]): sint
...........YYYYYYY.Y.. res.fhdr([string,integer]): str
...........YYYYYYY.Y.. res.fhdr_cnt([string]): sint
...........YYYYYYY.Y.. res.hdr([string,integer]): str
...........YYYYYYY.Y.. res.hdr_cnt([string]): sint
...........YYYYYYY.Y.. res.hdr_ip([string,integer]): ipv4
...........YYYYYYY.Y.. res.hdr_names([string]): str
...........YYYYYYY.Y.. res.hdr_val([string,integer]): sint
...........YYYYYYY.Y.. res.hdrs: bin
...........YYYYYYY.Y.. res.hdrs_bin: bin
...........YYYYYYY.Y.. res.len: sint
...........YYYYYYY.Y.. res.payload(integer,integer): bin
...........YYYYYYY.Y.. res.payload_lv(integer,integer[,string]): bin
...........YYYYYYY.Y.. res.ssl_hello_type: sint
...........YYYYYYY.Y.. res.ver: str
...........YYYYYYY.Y.. resp_ver: str
YYYYYYYYYYYYYYYYYYYY.Y sc0_bytes_in_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_bytes_out_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_clr_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_clr_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_conn_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_conn_cur([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_conn_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_get_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_get_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_get_gpt0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_gpc0_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_gpc1_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_http_err_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_http_err_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_http_fail_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_http_fail_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_http_req_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_http_req_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_inc_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_inc_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.. sc0_kbytes_in([table]): sint
YYYYYYYYYYYYYYYYYYYY.. sc0_kbytes_out([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_sess_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_sess_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc0_tracked([table]): bool
YYYYYYYYYYYYYYYYYYYY.Y sc0_trackers([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_bytes_in_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_bytes_out_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_clr_gpc(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_clr_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_clr_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_conn_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_conn_cur([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_conn_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_get_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_get_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_get_gpt0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_gpc0_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_gpc1_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_http_err_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_http_err_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_http_fail_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_http_fail_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_http_req_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_http_req_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_inc_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_inc_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.. sc1_kbytes_in([table]): sint
YYYYYYYYYYYYYYYYYYYY.. sc1_kbytes_out([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_sess_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_sess_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc1_tracked([table]): bool
YYYYYYYYYYYYYYYYYYYY.Y sc1_trackers([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_bytes_in_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_bytes_out_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_clr_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_clr_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_conn_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_conn_cur([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_conn_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_get_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_get_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_get_gpt0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_gpc0_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_gpc1_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_http_err_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_http_err_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_http_fail_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_http_fail_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_http_req_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_http_req_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_inc_gpc0([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_inc_gpc1([table]): sint
YYYYYYYYYYYYYYYYYYYY.. sc2_kbytes_in([table]): sint
YYYYYYYYYYYYYYYYYYYY.. sc2_kbytes_out([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_sess_cnt([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_sess_rate([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc2_tracked([table]): bool
YYYYYYYYYYYYYYYYYYYY.Y sc2_trackers([table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_bytes_in_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_bytes_out_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_clr_gpc(integer,integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_clr_gpc0(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_clr_gpc1(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_conn_cnt(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_conn_cur(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_conn_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_get_gpc(integer,integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_get_gpc0(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_get_gpc1(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_get_gpt(integer,integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_get_gpt0(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_gpc0_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_gpc1_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_gpc_rate(integer,integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_http_err_cnt(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_http_err_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_http_fail_cnt(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_http_fail_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_http_req_cnt(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_http_req_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_inc_gpc(integer,integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_inc_gpc0(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_inc_gpc1(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.. sc_kbytes_in(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.. sc_kbytes_out(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_sess_cnt(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_sess_rate(integer[,table]): sint
YYYYYYYYYYYYYYYYYYYY.Y sc_tracked(integer[,table]): bool
YYYYYYYYYYYYYYYYYYYY.Y sc_trackers(integer[,table]): sint
...........YYYYYYY.Y.. scook([string]): str
...........YYYYYYY.Y.. scook_cnt([string]): sint
...........YYYYYYY.Y.. scook_val([string]): sint
...........YYYYYYY.Y.. shdr([string,integer]): str
...........YYYYYYY.Y.. shdr_cnt([string]): sint
...........YYYYYYY.Y.. shdr_ip([string,integer]): ipv4
...........YYYYYYY.Y.. shdr_val([string,integer]): sint
YYYYYYYYYYYYYYYYYYY... so_id: sint
YYYYYYYYYYYYYYYYYYY... so_name: str
YYYYYYYYYYYYYYYYYYYY.. src: ipv4
YYYYYYYYYYYYYYYYYYYY.. src_bytes_in_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_bytes_out_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_clr_gpc(integer,table): sint
YYYYYYYYYYYYYYYYYYYY.. src_clr_gpc0(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_clr_gpc1(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_conn_cnt(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_conn_cur(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_conn_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_get_gpc(integer,table): sint
YYYYYYYYYYYYYYYYYYYY.. src_get_gpc0(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_get_gpc1(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_get_gpt(integer,table): sint
YYYYYYYYYYYYYYYYYYYY.. src_get_gpt0(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_gpc0_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_gpc1_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_gpc_rate(integer,table): sint
YYYYYYYYYYYYYYYYYYYY.. src_http_err_cnt(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_http_err_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_http_fail_cnt(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_http_fail_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_http_req_cnt(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_http_req_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_inc_gpc(integer,table): sint
YYYYYYYYYYYYYYYYYYYY.. src_inc_gpc0(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_inc_gpc1(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_is_local: bool
YYYYYYYYYYYYYYYYYYYY.. src_kbytes_in(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_kbytes_out(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_port: sint
YYYYYYYYYYYYYYYYYYYY.. src_sess_cnt(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_sess_rate(table): sint
YYYYYYYYYYYYYYYYYYYY.. src_updt_conn_cnt(table): sint
YYYYYYYYYYYYYYYYYYYY.Y srv_conn(server): sint
YYYYYYYYYYYYYYYYYYYY.Y srv_conn_free(server): sint
..........YYYYYYYYYY.. srv_id: sint
YYYYYYYYYYYYYYYYYYYY.Y srv_is_up(server): bool
YYYYYYYYYYYYYYYYYYYY.Y srv_iweight(server): sint
..........YYYYYYYYYY.. srv_name: str
YYYYYYYYYYYYYYYYYYYY.Y srv_queue(server): sint
YYYYYYYYYYYYYYYYYYYY.Y srv_sess_rate(server): sint
YYYYYYYYYYYYYYYYYYYY.Y srv_uweight(server): sint
YYYYYYYYYYYYYYYYYYYY.Y srv_weight(server): sint
...........YYYYYYYYY.. ssl_bc: bool
...........YYYYYYYYY.. ssl_bc_alg_keysize: sint
...........YYYYYYYYY.. ssl_bc_alpn: str
...........YYYYYYYYY.. ssl_bc_cipher: str
...........YYYYYYYYY.. ssl_bc_client_random: bin
...........YYYYYYYYY.. ssl_bc_err: sint
...........YYYYYYYYY.. ssl_bc_err_str: str
...........YYYYYYYYY.. ssl_bc_is_resumed: bool
...........YYYYYYYYY.. ssl_bc_npn: str
...........YYYYYYYYY.. ssl_bc_protocol: str
...........YYYYYYYYY.. ssl_bc_server_random: bin
...........YYYYYYYYY.. ssl_bc_session_id: bin
...........YYYYYYYYY.. ssl_bc_session_key: bin
...........YYYYYYYYY.. ssl_bc_unique_id: bin
...........YYYYYYYYY.. ssl_bc_use_keysize: sint
.YYYYYYYYYYYYYYYYYY... ssl_c_ca_err: sint
.YYYYYYYYYYYYYYYYYY... ssl_c_ca_err_depth: sint
.YYYYYYYYYYYYYYYYYY... ssl_c_chain_der: bin
.YYYYYYYYYYYYYYYYYY... ssl_c_der: bin
.YYYYYYYYYYYYYYYYYY... ssl_c_err: sint
.YYYYYYYYYYYYYYYYYY... ssl_c_i_dn([string,integer,string]): str
.YYYYYYYYYYYYYYYYYY... ssl_c_key_alg: str
.YYYYYYYYYYYYYYYYYY... ssl_c_notafter: str
.YYYYYYYYYYYYYYYYYY... ssl_c_notbefore: str
.YYYYYYYYYYYYYYYYYY... ssl_c_s_dn([string,integer,string]): str
.YYYYYYYYYYYYYYYYYY... ssl_c_serial: bin
.YYYYYYYYYYYYYYYYYY... ssl_c_sha1: bin
.YYYYYYYYYYYYYYYYYY... ssl_c_sig_alg: str
.YYYYYYYYYYYYYYYYYY... ssl_c_used: bool
.YYYYYYYYYYYYYYYYYY... ssl_c_verify: sint
.YYYYYYYYYYYYYYYYYY... ssl_c_version: sint
.YYYYYYYYYYYYYYYYYY... ssl_f_der: bin
.YYYYYYYYYYYYYYYYYY... ssl_f_i_dn([string,integer,string]): str
.YYYYYYYYYYYYYYYYYY... ssl_f_key_alg: str
.YYYYYYYYYYYYYYYYYY... ssl_f_notafter: str
.YYYYYYYYYYYYYYYYYY... ssl_f_notbefore: str
.YYYYYYYYYYYYYYYYYY... ssl_f_s_dn([string,integer,string]): str
.YYYYYYYYYYYYYYYYYY... ssl_f_serial: bin
.YYYYYYYYYYYYYYYYYY... ssl_f_sha1: bin
.YYYYYYYYYYYYYYYYYY... ssl_f_sig_alg: str
.YYYYYYYYYYYYYYYYYY... ssl_f_version: sint
.YYYYYYYYYYYYYYYYYY... ssl_fc: bool
.YYYYYYYYYYYYYYYYYY... ssl_fc_alg_keysize: sint
.YYYYYYYYYYYYYYYYYY... ssl_fc_alpn: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_cipher: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_cipherlist_bin([integer]): str
.YYYYYYYYYYYYYYYYYY... ssl_fc_cipherlist_hex([integer]): bin
.YYYYYYYYYYYYYYYYYY... ssl_fc_cipherlist_str([integer]): str
.YYYYYYYYYYYYYYYYYY... ssl_fc_cipherlist_xxh: sint
.YYYYYYYYYYYYYYYYYY... ssl_fc_client_early_traffic_secret: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_client_handshake_traffic_secret: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_client_random: bin
.YYYYYYYYYYYYYYYYYY... ssl_fc_client_traffic_secret_0: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_early_exporter_secret: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_ecformats_bin: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_eclist_bin([integer]): str
.YYYYYYYYYYYYYYYYYY... ssl_fc_err: sint
.YYYYYYYYYYYYYYYYYY... ssl_fc_err_str: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_exporter_secret: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_extlist_bin([integer]): str
.YYYYYYYYYYYYYYYYYY... ssl_fc_has_crt: bool
.YYYYYYYYYYYYYYYYYY... ssl_fc_has_early: bool
.YYYYYYYYYYYYYYYYYY... ssl_fc_has_sni: bool
.YYYYYYYYYYYYYYYYYY... ssl_fc_is_resumed: bool
.YYYYYYYYYYYYYYYYYY... ssl_fc_npn: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_protocol: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_protocol_hello_id: sint
.YYYYYYYYYYYYYYYYYY... ssl_fc_server_handshake_traffic_secret: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_server_random: bin
.YYYYYYYYYYYYYYYYYY... ssl_fc_server_traffic_secret_0: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_session_id: bin
.YYYYYYYYYYYYYYYYYY... ssl_fc_session_key: bin
.YYYYYYYYYYYYYYYYYY... ssl_fc_sni: str
.YYYYYYYYYYYYYYYYYY... ssl_fc_unique_id: bin
.YYYYYYYYYYYYYYYYYY... ssl_fc_use_keysize: sint
.YYYYYYYYYYYYYYYYYY... ssl_s_chain_der: bin
.YYYYYYYYYYYYYYYYYY... ssl_s_der: bin
.YYYYYYYYYYYYYYYYYY... ssl_s_i_dn([string,integer,string]): str
.YYYYYYYYYYYYYYYYYY... ssl_s_key_alg: str
.YYYYYYYYYYYYYYYYYY... ssl_s_notafter: str
.YYYYYYYYYYYYYYYYYY... ssl_s_notbefore: str
.YYYYYYYYYYYYYYYYYY... ssl_s_s_dn([string,integer,string]): str
.YYYYYYYYYYYYYYYYYY... ssl_s_serial: bin
.YYYYYYYYYYYYYYYYYY... ssl_s_sha1: bin
.YYYYYYYYYYYYYYYYYY... ssl_s_sig_alg: str
.YYYYYYYYYYYYYYYYYY... ssl_s_version: sint
...........YYYYYYYYY.. status: sint
YYYYYYYYYYYYYYYYYYYY.Y stopping: bool
YYYYYYYYYYYYYYYYYYYYYY str(string): str
YYYYYYYYYYYYYYYYYYYY.Y table_avl(table): sint
YYYYYYYYYYYYYYYYYYYY.Y table_cnt(table): sint
YYYYYYYYYYYYYYYYYYYYYY thread: sint
YYYYYYYYYYYYYYYYYYYYYY unique-id: str
..YYYYYYYYY........... url: str
..YYYYYYYYY........... url32: sint
..YYYYYYYYY........... url32+src: bin
..YYYYYYYYY........... url_ip: ipv4
..YYYYYYYYY........... url_param([string,string]): str
..YYYYYYYYY........... url_port: sint
..YYYYYYYYY........... urlp([string,string]): str
..YYYYYYYYY........... urlp_val([string,string]): sint
YYYYYYYYYYYYYYYYYYYYYY uuid([integer]): str
YYYYYYYYYYYYYYYYYYYYYY var(string[,string]): any
YYYYYYYYYYYYYYYYYYYY.Y wait_end: bool
`;
export const CONVERTER_DUMP = `
add(string): sint => sint
add_item(string,string[,string]): str => str
aes_gcm_dec(integer,string,string,string): bin => bin
and(string): sint => sint
b64dec: bin => str
base64: str => bin
be2dec(string[,integer,integer]): str => bin
be2hex(string[,integer,integer]): str => bin
bool: bool => sint
bytes(integer[,integer]): bin => bin
capture-req(integer): str => str
capture-res(integer): str => str
concat(string[,string,string]): str => str
cpl: sint => sint
crc32([integer]): sint => bin
crc32c([integer]): sint => bin
cut_crlf: str => str
debug([string,string]): any => any
digest(string): bin => bin
div(string): sint => sint
djb2([integer]): sint => bin
even: bool => sint
field(integer,string[,integer]): str => str
fix_is_valid: bool => bin
fix_tag_value(string): bin => bin
hex: str => bin
hex2i: sint => str
hmac(string,string): bin => bin
host_only: str => str
htonl: bin => sint
http_date([integer,string]): str => sint
iif(string,string): str => bool
in_table(table): bool => any
ipmask(IPv4 mask[,IPv6 mask]): ipv4 => addr
json(string): str => str
json_query(string[,string]): any => str
jwt_header_query([string,string]): any => bin
jwt_payload_query([string,string]): any => bin
jwt_verify(string,string): sint => bin
language(string[,string]): str => str
length: sint => str
lower: str => str
ltime(string[,integer]): str => sint
ltrim(string): str => str
map(string[,string]): str => str
map_beg(string[,string]): str => str
map_beg_int(string[,integer]): sint => str
map_beg_ip(string[,string]): addr => str
map_dir(string[,string]): str => str
map_dir_int(string[,integer]): sint => str
map_dir_ip(string[,string]): addr => str
map_dom(string[,string]): str => str
map_dom_int(string[,integer]): sint => str
map_dom_ip(string[,string]): addr => str
map_end(string[,string]): str => str
map_end_int(string[,integer]): sint => str
map_end_ip(string[,string]): addr => str
map_int(string[,string]): str => sint
map_int_int(string[,integer]): sint => sint
map_int_ip(string[,string]): addr => sint
map_ip(string[,string]): str => addr
map_ip_int(string[,integer]): sint => addr
map_ip_ip(string[,string]): addr => addr
map_reg(string[,string]): str => str
map_reg_int(string[,integer]): sint => str
map_reg_ip(string[,string]): addr => str
map_regm(string[,string]): str => str
map_str(string[,string]): str => str
map_str_int(string[,integer]): sint => str
map_str_ip(string[,string]): addr => str
map_sub(string[,string]): str => str
map_sub_int(string[,integer]): sint => str
map_sub_ip(string[,string]): addr => str
mod(string): sint => sint
mqtt_field_value(string,string): str => bin
mqtt_is_valid: bool => bin
mul(string): sint => sint
nbsrv: sint => str
neg: sint => sint
not: bool => sint
odd: bool => sint
or(string): sint => sint
port_only: sint => str
protobuf(Protocol buffers field number[,string]): bin => bin
regsub(regex,string[,string]): str => str
rtrim(string): str => str
sdbm([integer]): sint => bin
secure_memcmp(string): bool => bin
set-var(string[,string,string,string,string]): any => any
sha1: bin => bin
sha2([integer]): bin => bin
srv_queue: sint => str
strcmp(string): sint => str
sub(string): sint => sint
table_bytes_in_rate(table): sint => any
table_bytes_out_rate(table): sint => any
table_conn_cnt(table): sint => any
table_conn_cur(table): sint => any
table_conn_rate(table): sint => any
table_expire(table[,integer]): sint => any
table_gpc(integer,table): sint => any
table_gpc0(table): sint => any
table_gpc0_rate(table): sint => any
table_gpc1(table): sint => any
table_gpc1_rate(table): sint => any
table_gpc_rate(integer,table): sint => any
table_gpt(integer,table): sint => any
table_gpt0(table): sint => any
table_http_err_cnt(table): sint => any
table_http_err_rate(table): sint => any
table_http_fail_cnt(table): sint => any
table_http_fail_rate(table): sint => any
table_http_req_cnt(table): sint => any
table_http_req_rate(table): sint => any
table_idle(table[,integer]): sint => any
table_kbytes_in(table): sint => any
table_kbytes_out(table): sint => any
table_server_id(table): sint => any
table_sess_cnt(table): sint => any
table_sess_rate(table): sint => any
table_trackers(table): sint => any
ub64dec: bin => str
ub64enc: str => bin
ungrpc(Protocol buffers field number[,string]): bin => bin
unset-var(string): any => any
upper: str => str
url_dec([integer]): str => str
url_enc(string): str => str
utime(string[,integer]): str => sint
word(integer,string[,integer]): str => str
wt6([integer]): sint => bin
xor(string): sint => sint
xxh3([integer]): sint => bin
xxh32([integer]): sint => bin
xxh64([integer]): sint => bin
`;
