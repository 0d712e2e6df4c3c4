//! The list of data keys inside `data.keys`: which key encrypts new values, which are still
//! needed to read old ones, and which have been retired (erased).

use zeroize::Zeroizing;

use crate::crypto::{KEY_LEN, Key32};
use crate::field::KeyId;

/// Where a data key is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKeyState {
    /// Encrypts new values. Exactly one key is active.
    Active,
    /// Replaced by a newer key; still decrypts values a rotation has not reached yet.
    Retiring,
    /// Erased: values still encrypted with it can no longer be read.
    Retired,
}

impl DataKeyState {
    fn to_byte(self) -> u8 {
        match self {
            DataKeyState::Active => 1,
            DataKeyState::Retiring => 2,
            DataKeyState::Retired => 3,
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(DataKeyState::Active),
            2 => Some(DataKeyState::Retiring),
            3 => Some(DataKeyState::Retired),
            _ => None,
        }
    }
}

/// What the key ring tells about a data key (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataKeyInfo {
    pub id: KeyId,
    pub state: DataKeyState,
    /// When the key was made, seconds since the Unix epoch.
    pub created_unix: i64,
}

pub(crate) struct DataKey {
    pub(crate) info: DataKeyInfo,
    /// `None` once retired.
    pub(crate) key: Option<Key32>,
}

/// The data keys, ordered by id. Invariants (checked on decode, kept by every method):
/// ids are unique and above zero, exactly one key is active, and a key has material exactly
/// when it is not retired.
pub(crate) struct DataKeyList {
    keys: Vec<DataKey>,
}

impl DataKeyList {
    /// A list with one fresh active key, `k1`.
    pub(crate) fn first(now_unix: i64) -> Self {
        Self {
            keys: vec![fresh(KeyId(1), now_unix)],
        }
    }

    pub(crate) fn keys(&self) -> &[DataKey] {
        &self.keys
    }

    pub(crate) fn active(&self) -> &DataKey {
        // Decode and every method keep exactly one active key.
        self.keys
            .iter()
            .find(|k| k.info.state == DataKeyState::Active)
            .expect("the list always has an active key")
    }

    /// A copy with a new active key; the old active key becomes retiring.
    pub(crate) fn with_new_key(&self, now_unix: i64) -> (Self, KeyId) {
        let next = KeyId(
            self.keys
                .iter()
                .map(|k| k.info.id.0)
                .max()
                .unwrap_or(0)
                .saturating_add(1),
        );
        let mut keys: Vec<DataKey> = self
            .keys
            .iter()
            .map(|k| {
                let state = match k.info.state {
                    DataKeyState::Active => DataKeyState::Retiring,
                    other => other,
                };
                DataKey {
                    info: DataKeyInfo {
                        state,
                        ..k.info.clone()
                    },
                    key: k.key.clone(),
                }
            })
            .collect();
        keys.push(fresh(next, now_unix));
        (Self { keys }, next)
    }

    /// A copy where `id` is retired and its key material dropped.
    pub(crate) fn with_retired(&self, id: KeyId) -> Result<Self, RetireRefused> {
        let target = self
            .keys
            .iter()
            .find(|k| k.info.id == id)
            .ok_or(RetireRefused::Unknown)?;
        match target.info.state {
            DataKeyState::Active => return Err(RetireRefused::Active),
            DataKeyState::Retired => return Err(RetireRefused::AlreadyRetired),
            DataKeyState::Retiring => {}
        }
        let keys = self
            .keys
            .iter()
            .map(|k| {
                if k.info.id == id {
                    DataKey {
                        info: DataKeyInfo {
                            state: DataKeyState::Retired,
                            ..k.info.clone()
                        },
                        key: None,
                    }
                } else {
                    DataKey {
                        info: k.info.clone(),
                        key: k.key.clone(),
                    }
                }
            })
            .collect();
        Ok(Self { keys })
    }

    /// `count (u32) | per key: id (u32) | state (u8) | created (i64) | key (32, absent if retired)`.
    pub(crate) fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(4 + self.keys.len() * (13 + KEY_LEN)));
        // A key ring never holds 4 billion keys.
        let count = u32::try_from(self.keys.len()).expect("fewer than 2^32 data keys");
        out.extend_from_slice(&count.to_be_bytes());
        for key in &self.keys {
            out.extend_from_slice(&key.info.id.0.to_be_bytes());
            out.push(key.info.state.to_byte());
            out.extend_from_slice(&key.info.created_unix.to_be_bytes());
            if let Some(material) = &key.key {
                out.extend_from_slice(material.as_bytes());
            }
        }
        out
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, &'static str> {
        let mut reader = Reader(bytes);
        let count = reader.u32().ok_or("the key list is cut short")?;
        let mut keys = Vec::new();
        for _ in 0..count {
            let id = KeyId(reader.u32().ok_or("the key list is cut short")?);
            let state = DataKeyState::from_byte(reader.u8().ok_or("the key list is cut short")?)
                .ok_or("unknown key state")?;
            let created_unix =
                i64::from_be_bytes(reader.array().ok_or("the key list is cut short")?);
            let key = match state {
                DataKeyState::Retired => None,
                _ => Some(Key32::from_bytes(
                    reader.array().ok_or("the key list is cut short")?,
                )),
            };
            if id.0 == 0 || keys.last().is_some_and(|k: &DataKey| k.info.id >= id) {
                return Err("key ids are not unique and increasing");
            }
            keys.push(DataKey {
                info: DataKeyInfo {
                    id,
                    state,
                    created_unix,
                },
                key,
            });
        }
        if !reader.0.is_empty() {
            return Err("unexpected bytes after the key list");
        }
        if keys
            .iter()
            .filter(|k| k.info.state == DataKeyState::Active)
            .count()
            != 1
        {
            return Err("the key list does not have exactly one active key");
        }
        Ok(Self { keys })
    }
}

/// Why a key cannot be retired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetireRefused {
    Unknown,
    Active,
    AlreadyRetired,
}

fn fresh(id: KeyId, now_unix: i64) -> DataKey {
    DataKey {
        info: DataKeyInfo {
            id,
            state: DataKeyState::Active,
            created_unix: now_unix,
        },
        key: Some(Key32::random()),
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_be_bytes)
    }

    fn u8(&mut self) -> Option<u8> {
        self.array::<1>().map(|[b]| b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_round_trips_through_its_encoding() {
        let (list, k2) = DataKeyList::first(100).with_new_key(200);
        let list = list.with_retired(KeyId(1)).unwrap();
        let decoded = DataKeyList::decode(&list.encode()).unwrap();
        let infos: Vec<_> = decoded
            .keys()
            .iter()
            .map(|k| (k.info.clone(), k.key.is_some()))
            .collect();
        assert_eq!(k2, KeyId(2));
        assert_eq!(
            infos,
            vec![
                (
                    DataKeyInfo {
                        id: KeyId(1),
                        state: DataKeyState::Retired,
                        created_unix: 100
                    },
                    false
                ),
                (
                    DataKeyInfo {
                        id: KeyId(2),
                        state: DataKeyState::Active,
                        created_unix: 200
                    },
                    true
                ),
            ]
        );
    }

    #[test]
    fn only_a_retiring_key_can_be_retired() {
        let (list, _) = DataKeyList::first(0).with_new_key(0);
        assert_eq!(
            list.with_retired(KeyId(2)).err(),
            Some(RetireRefused::Active)
        );
        assert_eq!(
            list.with_retired(KeyId(9)).err(),
            Some(RetireRefused::Unknown)
        );
        let retired = list.with_retired(KeyId(1)).unwrap();
        assert_eq!(
            retired.with_retired(KeyId(1)).err(),
            Some(RetireRefused::AlreadyRetired)
        );
    }

    #[test]
    fn malformed_lists_are_refused() {
        let encoded = DataKeyList::first(0).encode();
        assert!(DataKeyList::decode(&encoded[..encoded.len() - 1]).is_err());
        let mut trailing = encoded.to_vec();
        trailing.push(0);
        assert!(DataKeyList::decode(&trailing).is_err());
        let mut no_active = encoded.to_vec();
        no_active[8] = 2;
        assert_eq!(
            DataKeyList::decode(&no_active).err(),
            Some("the key list does not have exactly one active key")
        );
        assert!(DataKeyList::decode(&[0, 0, 0, 0]).is_err());
    }
}
