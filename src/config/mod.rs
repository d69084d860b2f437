//! Parsers for the configuration files of the Linux/KAME IPsec world:
//! setkey scripts (and later racoon.conf, psk.txt).

pub mod setkey;
