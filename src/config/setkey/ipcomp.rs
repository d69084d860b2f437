//! setkey's IPComp forms (ipsec-tools `parse.y` `PR_IPCOMP` and
//! `ipcomp_spec`, `token.l` `-C` / `-R`, libipsec `policy_parse.y`'s
//! `ipcomp` protocol): IPComp SAs and the IPComp step of a bundle.

use std::net::Ipv4Addr;

use super::{Parser, SetkeyError, error};
use crate::config::lexer::Pos;
use crate::ipsec::pfkey::{IpcompRequest, Request};
use crate::ipsec::spec::{CompAlg, IpcompSpec, IpcompTemplate, Mode};

/// token.l's compression algorithms that vpnlab does not implement.
const UNSUPPORTED_CALGS: &[&str] = &["oui", "lzs"];

impl Parser {
    /// The rest of `add src dst ipcomp spi [-m mode] [-u reqid] -C calgo [-R];`.
    pub(super) fn add_ipcomp(
        &mut self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
    ) -> Result<Request, SetkeyError> {
        let spi = self.ipcomp_spi()?;
        let (mode, reqid) = self.ipcomp_extensions()?;
        let alg = self.compression()?;
        self.expect_semi_after_algorithms()?;
        let spec = IpcompSpec {
            src,
            dst,
            spi,
            mode,
            reqid,
            alg,
        };
        Ok(Request::Ipcomp(IpcompRequest::Add(spec)))
    }

    /// An SPI that Linux can find again: it sends the low 16 bits as the
    /// CPI (`ipcomp_output`) and looks an inbound SA up by the CPI
    /// (`xfrm_parse_spi`), so an SPI above 0xffff would never match.
    pub(super) fn ipcomp_spi(&mut self) -> Result<u32, SetkeyError> {
        let pos = self.here();
        let spi = self.spi()?;
        if spi > 0xffff {
            return Err(error(
                pos,
                format!(
                    "IPComp SPI 0x{spi:x} does not fit the 16-bit CPI (RFC 3173 §2.2): \
                     Linux sends its low 16 bits and could not find the SA again"
                ),
            ));
        }
        Ok(spi)
    }

    /// `-m` and `-u`, the last of a kind winning. An IPComp SA has no
    /// sequence numbers or replay window (RFC 3173 §4); lifetimes and the
    /// ESP padding flags are refused for it.
    fn ipcomp_extensions(&mut self) -> Result<(Mode, u32), SetkeyError> {
        let (mut mode, mut reqid) = (Mode::Any, 0);
        while let Some(option) = self
            .peek_word()
            .filter(|w| super::EXTENSION_OPTIONS.contains(w))
        {
            let option = option.to_string();
            let pos = self.here();
            self.next();
            match option.as_str() {
                "-m" => mode = self.sa_mode()?,
                "-u" => reqid = self.number_u32("a reqid after -u")?,
                "-r" => {
                    return Err(error(
                        pos,
                        "-r does not apply to IPComp: it has no sequence numbers (RFC 3173 §4)",
                    ));
                }
                _ => {
                    return Err(error(
                        pos,
                        format!(
                            "`{option}` is not supported on IPComp SAs by vpnlab (only -m and -u)"
                        ),
                    ));
                }
            }
        }
        Ok((mode, reqid))
    }

    /// parse.y `ipcomp_spec`: `-C calgo [-R]`. Linux af_key ignores the
    /// `SADB_X_EXT_RAWCPI` flag `-R` sets (the CPI on the wire is always the
    /// SPI, see [`IpcompSpec::cpi`]), so `-R` is read and changes nothing,
    /// as on Linux.
    fn compression(&mut self) -> Result<CompAlg, SetkeyError> {
        match self.peek_word() {
            Some("-C") => {
                self.next();
            }
            Some(flag @ ("-E" | "-A")) => {
                return Err(error(
                    self.here(),
                    format!(
                        "IPComp takes -C calgo [-R], not {flag} (it neither encrypts nor authenticates)"
                    ),
                ));
            }
            _ => {
                return Err(
                    self.expected("-C deflate (an IPComp SA needs a compression algorithm)")
                );
            }
        }
        let (name, pos) = self.word("a compression algorithm after -C (deflate)")?;
        let alg = calg(&name, pos)?;
        if self.peek_word() == Some("-R") {
            self.next();
        }
        Ok(alg)
    }

    /// `delete|get src dst ipcomp spi;` and `deleteall src dst ipcomp;`.
    pub(super) fn ipcomp_by_spi(
        &mut self,
        (src, dst): (Ipv4Addr, Ipv4Addr),
        get: bool,
    ) -> Result<Request, SetkeyError> {
        let spi = self.ipcomp_spi()?;
        self.ipcomp_extensions()?;
        self.expect_semi()?;
        Ok(Request::Ipcomp(if get {
            IpcompRequest::Get { src, dst, spi }
        } else {
            IpcompRequest::Delete { src, dst, spi }
        }))
    }

    /// `ipcomp/mode/src-dst/level` after its protocol word.
    pub(super) fn ipcomp_template(&mut self) -> Result<IpcompTemplate, SetkeyError> {
        let (mode, endpoints, level) = self.template_rest("ipcomp")?;
        Ok(IpcompTemplate {
            mode,
            endpoints: endpoints.filter(|_| mode == Mode::Tunnel),
            level,
        })
    }
}

/// token.l's `deflate`; `oui` and `lzs` are setkey's too and refused.
fn calg(name: &str, pos: Pos) -> Result<CompAlg, SetkeyError> {
    match name {
        "deflate" => Ok(CompAlg::Deflate),
        _ if UNSUPPORTED_CALGS.contains(&name) => Err(error(
            pos,
            format!(
                "compression algorithm `{name}` is not supported by vpnlab: only deflate (RFC 2394)"
            ),
        )),
        _ => Err(error(
            pos,
            format!("unknown compression algorithm `{name}`: expected deflate"),
        )),
    }
}

/// The only place an IPComp step may stand: first, the innermost
/// (RFC 3173 §3 compresses before encrypting; racoon writes it so).
pub(super) fn misplaced_ipcomp(pos: Pos) -> SetkeyError {
    error(
        pos,
        "vpnlab applies IPComp only as the first (innermost) step of a bundle, once: \
         write ipcomp/... before esp/... and ah/...",
    )
}

#[cfg(test)]
mod tests {
    use super::super::{kernel_requests, parse};
    use super::*;
    use crate::ipsec::spec::{Direction, IpsecProto, Level, Template};

    fn commands(text: &str) -> Vec<Request> {
        parse(text)
            .expect("script parses")
            .into_iter()
            .map(|s| s.command)
            .collect()
    }

    fn ip(text: &str) -> Ipv4Addr {
        text.parse().expect("test address")
    }

    /// parse.y `PR_IPCOMP` with `ipcomp_spec` `F_COMP ALG_COMP [F_RAWCPI]`
    /// (token.l `-C`, `deflate`, `-R`); setkey(8): "`-C calgo [-R]`".
    /// `-R` leaves the request as it is: Linux af_key drops the flag.
    #[test]
    fn ipcomp_sas_and_their_commands() {
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        let sa = |mode, reqid| IpcompSpec {
            src: a,
            dst: b,
            spi: 0x1000,
            mode,
            reqid,
            alg: CompAlg::Deflate,
        };
        assert_eq!(
            commands(
                "add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C deflate;\n\
                 add 10.0.0.1 10.0.0.2 ipcomp 4096 -m tunnel -u 7 -C deflate -R;\n\
                 get 10.0.0.1 10.0.0.2 ipcomp 0x1000; delete 10.0.0.1 10.0.0.2 ipcomp 0x1000;\n\
                 deleteall 10.0.0.1 10.0.0.2 ipcomp; flush ipcomp; dump ipcomp; flush;"
            ),
            vec![
                Request::Ipcomp(IpcompRequest::Add(sa(Mode::Any, 0))),
                Request::Ipcomp(IpcompRequest::Add(sa(Mode::Tunnel, 7))),
                Request::Ipcomp(IpcompRequest::Get {
                    src: a,
                    dst: b,
                    spi: 0x1000
                }),
                Request::Ipcomp(IpcompRequest::Delete {
                    src: a,
                    dst: b,
                    spi: 0x1000
                }),
                Request::Ipcomp(IpcompRequest::DeleteAll { src: a, dst: b }),
                Request::Ipcomp(IpcompRequest::Flush),
                Request::Ipcomp(IpcompRequest::Dump),
                Request::Flush(None),
            ]
        );
        assert_eq!(
            sa(Mode::Any, 0).cpi(),
            0x1000,
            "the SPI is the CPI on Linux"
        );
    }

    /// libipsec `policy_parse.y`: `ipcomp` is a template protocol like
    /// `esp` and `ah`; the bundle `ipcomp/tunnel/A-B/use
    /// esp/transport//require` is racoon's for IPComp over ESP in tunnel
    /// mode. The `fwd` twin of an `in` policy keeps the IPComp step, its
    /// `unique` made `require` (parse.y `setkeymsg_spdaddr`, first request).
    #[test]
    fn ipcomp_templates_first_in_their_bundle() {
        let script = "spdadd 10.1.0.0/16 10.2.0.0/16 any -P in ipsec \
                      ipcomp/tunnel/192.0.2.1-192.0.2.2/unique:5 esp/transport//require;";
        let [Request::SpdAddWithIpcomp { policy, ipcomp }]: [Request; 1] =
            commands(script).try_into().unwrap()
        else {
            panic!("an SPDADD with an IPComp step");
        };
        assert_eq!(
            ipcomp,
            IpcompTemplate {
                mode: Mode::Tunnel,
                endpoints: Some((ip("192.0.2.1"), ip("192.0.2.2"))),
                level: Level::Unique(Some(5)),
            }
        );
        assert_eq!(
            policy.templates,
            [Template {
                proto: IpsecProto::Esp,
                mode: Mode::Transport,
                endpoints: None,
                level: Level::Require,
            }]
        );
        let twin = kernel_requests(Request::SpdAddWithIpcomp {
            policy: policy.clone(),
            ipcomp,
        });
        let Some(Request::SpdAddWithIpcomp {
            policy: fwd,
            ipcomp: fwd_ipcomp,
        }) = twin.get(1)
        else {
            panic!("a fwd twin with its IPComp step");
        };
        assert_eq!(
            (fwd.dir, fwd_ipcomp.level),
            (Direction::Fwd, Level::Require)
        );
        let alone = commands("spdadd 10.0.0.1 10.0.0.2 any -P out ipsec ipcomp/transport//use;");
        let [Request::SpdAddWithIpcomp { policy, ipcomp }]: [Request; 1] =
            alone.try_into().unwrap()
        else {
            panic!("IPComp alone");
        };
        assert!(policy.templates.is_empty());
        assert_eq!((ipcomp.mode, ipcomp.level), (Mode::Transport, Level::Use));
    }
}
