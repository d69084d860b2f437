//! racoon's XAuth and mode_cfg (isakmp_xauth.c, isakmp_cfg.c,
//! isakmp_unity.c): each case edits scenarios/xauth-android-roadwarriors.yaml
//! (a racoon gateway with `xauth_psk_server` and a mode_cfg pool, alice
//! with the right password behind a NAT, bob with a wrong one), replaces
//! its expectations and runs it; every expectation must hold.

mod common;

fn holds(edits: &[(&str, &str)], expect: &str) {
    let base = common::edited::scenario_text("xauth-android-roadwarriors.yaml");
    common::edited::holds(&base, edits, expect);
}

/// isakmp_xauth.c `xauth_attr_reply` / `xauth_reply`: the right
/// password is "login succeeded", the pool (`isakmp_cfg_getport`) gives
/// network4 + 0, and the gateway's quick mode comes only after it
/// (`isakmp_ph2begin_r` with `xauth_check`).
#[test]
fn the_right_password_gets_the_first_pool_address_and_a_tunnel() {
    holds(
        &[],
        "  - log: { node: gw, matches: 'Using port 0' }\n  \
         - log: { node: gw, matches: 'login succeeded for user \"alice\"' }\n  \
         - log: { node: alice, matches: 'internal address 10\\.99\\.99\\.1 from' }\n  \
         - log: { node: gw, matches: 'generated policy: 10\\.99\\.99\\.1/32\\[0\\] 0\\.0\\.0\\.0/0\\[0\\] dir=in' }\n  \
         - ping: { flow: alice-ping, replies: 9 }\n",
    );
}

/// `xauth_reply` with a failed login: SET status FAIL, the port released,
/// an ISAKMP DELETE at once; the client logs "Xauth authentication
/// failed" (`isakmp_xauth_set`) and its late ACK finds no ISAKMP SA.
#[test]
fn a_wrong_password_fails_on_both_ends() {
    holds(
        &[],
        "  - log: { node: gw, matches: 'Released port 0' }\n  \
         - log: { node: gw, matches: 'login failed for user \"bob\"' }\n  \
         - log: { node: gw, matches: 'mode config 6 from 203\\.0\\.113\\.20:500, but we have no ISAKMP-SA' }\n  \
         - log: { node: bob, matches: 'Xauth authentication failed' }\n  \
         - ike: { node: bob, event: failure, reason: xauth-failed, count: 1 }\n  \
         - ping: { flow: bob-ping, replies: 0 }\n",
    );
}

/// `xauth_login_system`: a user the gateway's /etc/passwd lacks fails
/// like a wrong password; and with no mode_cfg pool
/// (`isakmp_cfg_getport` on a NULL pool) every login fails: "Port pool
/// depleted".
#[test]
fn unknown_users_and_an_empty_pool_fail_the_login() {
    holds(
        &[
            ("xauth_login \"alice\";", "xauth_login \"carol\";"),
            ("alice wonderland", "carol wonderland"),
        ],
        "  - log: { node: gw, matches: 'login failed for user \"carol\"' }\n  \
         - ping: { flow: alice-ping, replies: 0 }\n",
    );
    holds(
        &[("pool_size 50;", "pool_size 0;")],
        "  - log: { node: gw, matches: 'Port pool depleted' }\n  \
         - log: { node: gw, matches: 'login failed for user \"alice\"' }\n  \
         - ping: { flow: alice-ping, replies: 0 }\n",
    );
}

/// ipsec_doi.c `check_attr_isakmp` and remoteconf.c `checkisakmpsa`: the
/// clients' method 65001 (XAUTHInitPreShared) is not a plain
/// pre_shared_key gateway's 1, so no proposal is chosen.
#[test]
fn a_gateway_without_xauth_is_no_match_for_xauth_clients() {
    holds(
        &[(
            "authentication_method xauth_psk_server;",
            "authentication_method pre_shared_key;",
        )],
        "  - log: { node: gw, matches: 'no suitable proposal found' }\n  \
         - ping: { flow: alice-ping, replies: 0 }\n",
    );
}

/// auth_groups (`group_check`, `xauth_group_system`): only members of
/// the /etc/group member list get in.
#[test]
fn auth_groups_admit_members_only() {
    holds(
        &[
            (
                "auth_source system;",
                "auth_source system;\n          auth_groups \"phones\";",
            ),
            (
                "      /etc/passwd: |",
                "      /etc/group: |\n        phones:x:3000:bob\n      /etc/passwd: |",
            ),
        ],
        "  - log: { node: gw, matches: 'user \"alice\" is not a member of group \"phones\"' }\n  \
         - log: { node: gw, matches: 'login failed for user \"alice\"' }\n  \
         - ping: { flow: alice-ping, replies: 0 }\n",
    );
}

/// The same with scenarios/xauth-hybrid-rsa.yaml: a gateway with
/// `hybrid_rsa_server` and a certificate from the `pki:` section, alice
/// (main mode) and bob (aggressive mode) with `hybrid_rsa_client` and
/// only the CA.
fn hybrid_holds(edits: &[(&str, &str)], expect: &str) {
    let base = common::edited::scenario_text("xauth-hybrid-rsa.yaml");
    common::edited::holds(&base, edits, expect);
}

/// oakley.c `oakley_validate_auth`, `HYBRID_RSA_R`: the gateway takes
/// the phones' unsigned HASH ("No SIG was passed, but hybrid auth is
/// enabled") once they sent the XAuth VID, then XAuth logs them in;
/// both modes (isakmp_ident.c `ident_ir3mx`, isakmp_agg.c) reach a
/// tunnel from the pool address.
#[test]
fn hybrid_rsa_clients_log_in_without_a_certificate() {
    hybrid_holds(
        &[],
        "  - log: { node: gw, matches: 'No SIG was passed, but hybrid auth is enabled', count: 2 }\n  \
         - log: { node: gw, matches: 'login succeeded for user \"alice\"' }\n  \
         - log: { node: bob, matches: 'internal address 10\\.99\\.99\\.1 from' }\n  \
         - ike: { node: gw, event: ipsec-sa, peer: 203.0.113.10, count: 1 }\n  \
         - ike: { node: gw, event: ipsec-sa, peer: 203.0.113.20, count: 1 }\n  \
         - no_plaintext: { link: internet, between: [bob, gw] }\n",
    );
}

/// A hybrid client still checks the gateway's certificate
/// (`oakley_validate_auth` takes the RSASIG path for `HYBRID_RSA_I`):
/// without the CA in `path certificate` it is "not verified", and a
/// gateway DN that is not `peers_identifier` is refused.
#[test]
fn hybrid_rsa_clients_verify_the_gateway() {
    hybrid_holds(
        &[("  trusted_by: [ alice, bob ]\n", "  trusted_by: [ bob ]\n")],
        "  - log: { node: alice, matches: 'unable to get local issuer certificate' }\n  \
         - log: { node: alice, matches: \"the peer's certificate is not verified\" }\n  \
         - ike: { node: gw, event: ipsec-sa, peer: 203.0.113.10, count: 0 }\n  \
         - ike: { node: gw, event: ipsec-sa, peer: 203.0.113.20, count: 1 }\n",
    );
    hybrid_holds(
        &[(
            "asn1dn \"C=US, O=Example Corp, CN=vpn.example.com\";\n          verify_identifier on;\n          verify_cert on;",
            "asn1dn \"C=US, O=Example Corp, CN=other.example.com\";\n          verify_identifier on;\n          verify_cert on;",
        )],
        "  - log: { node: alice, matches: 'unexpected peer identifier C=US, O=Example Corp, CN=vpn\\.example\\.com' }\n  \
         - ike: { node: gw, event: ipsec-sa, peer: 203.0.113.10, count: 0 }\n",
    );
}

/// Base mode (isakmp_base.c): `base_i1send` offers XAuth's VID,
/// `base_r1send` echoes it, the client's HASH_I is keyed by the nonces
/// (`oakley_ph1hash_base_i`, signature methods) and goes unsigned; a
/// wrong XAuth password still fails after a good phase 1.
#[test]
fn hybrid_rsa_in_base_mode_and_with_a_wrong_password() {
    hybrid_holds(
        &[
            (
                "exchange_mode main;\n          my_identifier address;",
                "exchange_mode base;\n          my_identifier address;",
            ),
            (
                "exchange_mode main, aggressive;",
                "exchange_mode main, aggressive, base;",
            ),
        ],
        "  - log: { node: alice, matches: 'begin Base mode' }\n  \
         - log: { node: alice, matches: 'received Vendor ID: draft-ietf-ipsra-isakmp-xauth-06\\.txt' }\n  \
         - log: { node: gw, matches: 'login succeeded for user \"alice\"' }\n  \
         - ike: { node: gw, event: ipsec-sa, peer: 203.0.113.10, count: 1 }\n",
    );
    hybrid_holds(
        &[("bob the-builder", "bob the-plumber")],
        "  - log: { node: gw, matches: 'login failed for user \"bob\"' }\n  \
         - ike: { node: bob, event: failure, reason: xauth-failed, count: 1 }\n  \
         - ike: { node: gw, event: ipsec-sa, peer: 203.0.113.20, count: 0 }\n",
    );
}

/// remoteconf.c `checkisakmpsa`: hybrid RSA (64221) is not XAuth with
/// RSA signatures (65005), so such a gateway finds no proposal.
#[test]
fn a_hybrid_client_is_no_match_for_an_xauth_rsa_gateway() {
    hybrid_holds(
        &[(
            "authentication_method hybrid_rsa_server;",
            "authentication_method xauth_rsa_server;",
        )],
        "  - log: { node: gw, matches: 'no suitable proposal found' }\n  \
         - ike: { node: gw, event: ipsec-sa, count: 0 }\n",
    );
}
