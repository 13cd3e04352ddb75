//! What a client authenticates with: private keys (PEM or JWK) with their JWS signing, and caller-supplied
//! Bearer tokens. Below both `config` (which reads them) and `auth` (which uses them), so neither imports the other
//! for them.

mod key;
mod token_supplier;

pub(crate) use key::{B64URL, JwsHeader, encode_jws, sign_es256};
pub use key::{JwsAlgorithm, KeyError, PrivateKey};
pub use token_supplier::{BoxError, TokenSupplier};
