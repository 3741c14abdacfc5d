//! The points ledger: append-only entries, a balance that is their sum, and the one rule that
//! matters: no debit ever makes a balance negative.

use std::collections::HashSet;

use crate::labelled::labelled_enum;
use crate::reward::{Price, RedemptionId};
use crate::text::{Note, NoteError};

use super::{AwardSource, Points};

labelled_enum!(
    /// What a ledger entry records.
    EntryKind, "ledger entry kind", {
        /// Earned by serving (positive; one per source).
        Award => "award", "获得",
        /// Spent on a reward (negative; one per redemption).
        Redemption => "redemption", "兑换",
        /// A cancelled redemption's points back (positive; one per redemption).
        Refund => "refund", "退还",
        /// A correction by staff, either sign, with a reason.
        Adjustment => "adjustment", "调整",
        /// Points that lapsed, if a community configures expiry (negative).
        Expiry => "expiry", "过期",
    }
);

impl EntryKind {
    /// The sign its amount must have: `Some(true)` positive, `Some(false)` negative, `None`
    /// either (but not zero).
    fn sign(self) -> Option<bool> {
        match self {
            EntryKind::Award | EntryKind::Refund => Some(true),
            EntryKind::Redemption | EntryKind::Expiry => Some(false),
            EntryKind::Adjustment => None,
        }
    }
}

/// One change of a balance. Valid once held: its amount has its kind's sign, awards, redemptions
/// and refunds carry their idempotency key, adjustments their reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    kind: EntryKind,
    amount: Points,
    key: Option<String>,
    reason: Option<Note>,
}

/// Why an entry cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// An amount, price or magnitude that must be above zero is not.
    #[error("a {} needs an amount above zero", kind.as_str())]
    NotPositive {
        /// The entry's kind.
        kind: EntryKind,
    },
    /// A stored amount with the wrong sign for its kind (or zero).
    #[error("a {} entry cannot have this amount's sign", kind.as_str())]
    WrongSign {
        /// The entry's kind.
        kind: EntryKind,
    },
    /// An adjustment's reason is missing or invalid.
    #[error("an adjustment needs a reason: {0}")]
    Reason(NoteError),
    /// An award, redemption or refund without its idempotency key.
    #[error("a {} entry needs its key", kind.as_str())]
    MissingKey {
        /// The entry's kind.
        kind: EntryKind,
    },
}

impl EntryError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            EntryError::NotPositive { .. } => "points.amount_not_positive",
            EntryError::WrongSign { .. } => "points.wrong_sign",
            EntryError::Reason(NoteError::Empty) => "points.reason_required",
            EntryError::Reason(_) => "points.reason_invalid",
            EntryError::MissingKey { .. } => "points.missing_key",
        }
    }
}

fn positive(kind: EntryKind, n: Points) -> Result<Points, EntryError> {
    if n.is_positive() {
        Ok(n)
    } else {
        Err(EntryError::NotPositive { kind })
    }
}

impl Entry {
    /// An award of `amount` (> 0) for `source`, keyed by the source: once per source.
    pub fn award(source: &AwardSource, amount: Points) -> Result<Entry, EntryError> {
        Ok(Entry {
            kind: EntryKind::Award,
            amount: positive(EntryKind::Award, amount)?,
            key: Some(source.idempotency_key()),
            reason: None,
        })
    }

    /// The debit of `price` for redemption `id`, keyed `redemption:{id}`.
    pub fn redemption(id: RedemptionId, price: Price) -> Entry {
        Entry {
            kind: EntryKind::Redemption,
            amount: Points(-price.points().0),
            key: Some(Self::redemption_key(id)),
            reason: None,
        }
    }

    /// The refund of `price` for cancelled redemption `id`, keyed `refund:{id}`: once per
    /// redemption.
    pub fn refund(id: RedemptionId, price: Price) -> Entry {
        Entry {
            kind: EntryKind::Refund,
            amount: price.points(),
            key: Some(Self::refund_key(id)),
            reason: None,
        }
    }

    /// A staff adjustment of `amount` (not zero; negative only within the balance, which
    /// [`apply`] checks) for `reason` (required).
    pub fn adjustment(amount: Points, reason: &str) -> Result<Entry, EntryError> {
        let reason = Note::parse(reason).map_err(EntryError::Reason)?;
        if amount == Points::ZERO {
            return Err(EntryError::WrongSign {
                kind: EntryKind::Adjustment,
            });
        }
        Ok(Entry {
            kind: EntryKind::Adjustment,
            amount,
            key: None,
            reason: Some(reason),
        })
    }

    /// This adjustment under `key` (a staff member's retry key), so a retried correction is
    /// applied once; other kinds keep the key they were made with.
    pub fn keyed(mut self, key: String) -> Entry {
        if self.kind == EntryKind::Adjustment {
            self.key = Some(key);
        }
        self
    }

    /// Expiry of `amount` (> 0) points, debited; `key` names the expiry run so it happens once.
    pub fn expiry(amount: Points, key: String) -> Result<Entry, EntryError> {
        let amount = positive(EntryKind::Expiry, amount)?;
        Ok(Entry {
            kind: EntryKind::Expiry,
            amount: Points(-amount.0),
            key: Some(key),
            reason: None,
        })
    }

    /// An entry as stored, checked again.
    pub fn from_stored(
        kind: EntryKind,
        amount: i64,
        key: Option<String>,
        reason: Option<&str>,
    ) -> Result<Entry, EntryError> {
        let sign_ok = match kind.sign() {
            Some(true) => amount > 0,
            Some(false) => amount < 0,
            None => amount != 0,
        };
        if !sign_ok {
            return Err(EntryError::WrongSign { kind });
        }
        let keyed = matches!(
            kind,
            EntryKind::Award | EntryKind::Redemption | EntryKind::Refund
        );
        if keyed && key.is_none() {
            return Err(EntryError::MissingKey { kind });
        }
        let reason = match (kind, reason) {
            (EntryKind::Adjustment, None) => return Err(EntryError::Reason(NoteError::Empty)),
            (_, Some(r)) => Some(Note::parse(r).map_err(EntryError::Reason)?),
            (_, None) => None,
        };
        Ok(Entry {
            kind,
            amount: Points(amount),
            key,
            reason,
        })
    }

    /// The key of redemption `id`'s debit.
    pub fn redemption_key(id: RedemptionId) -> String {
        format!("redemption:{id}")
    }

    /// The key of redemption `id`'s refund.
    pub fn refund_key(id: RedemptionId) -> String {
        format!("refund:{id}")
    }

    /// What it records.
    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    /// The signed amount: credits positive, debits negative.
    pub fn amount(&self) -> Points {
        self.amount
    }

    /// Its idempotency key, unique in the ledger.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// Why (adjustments).
    pub fn reason(&self) -> Option<&Note> {
        self.reason.as_ref()
    }
}

/// Why an entry cannot be applied to a balance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The debit is more than the balance.
    #[error("insufficient points: the balance is {balance}, {needed} are needed")]
    InsufficientPoints {
        /// The balance.
        balance: Points,
        /// What the debit takes.
        needed: Points,
    },
    /// The balance would leave `i64`.
    #[error("the balance would overflow")]
    Overflow,
    /// An entry with this key is in the ledger already (an award for the same source, a second
    /// refund of a redemption).
    #[error("the ledger already has an entry `{key}`")]
    DuplicateKey {
        /// The key.
        key: String,
    },
}

impl LedgerError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::InsufficientPoints { .. } => "points.insufficient",
            LedgerError::Overflow => "points.overflow",
            LedgerError::DuplicateKey { .. } => "points.duplicate_entry",
        }
    }
}

/// The balance after `entry`: credits always apply; a debit applies only if the balance stays
/// at or above zero (an insufficient balance refuses it whole, never in part).
pub fn apply(balance: Points, entry: &Entry) -> Result<Points, LedgerError> {
    let after = balance
        .checked_add(entry.amount)
        .ok_or(LedgerError::Overflow)?;
    if entry.amount.is_negative() && after.is_negative() {
        return Err(LedgerError::InsufficientPoints {
            balance,
            needed: Points(entry.amount.0.saturating_neg()),
        });
    }
    Ok(after)
}

/// The balance: the sum of the entries' amounts (summed wide; a ledger built through [`apply`]
/// never leaves `i64`, anything beyond saturates).
pub fn balance_of(amounts: impl IntoIterator<Item = Points>) -> Points {
    let sum: i128 = amounts.into_iter().map(|p| i128::from(p.0)).sum();
    Points(i64::try_from(sum).unwrap_or(if sum > 0 { i64::MAX } else { i64::MIN }))
}

/// A cached balance that disagrees with its ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the cached balance {cached} differs from the ledger's sum {computed}")]
pub struct BalanceMismatch {
    /// What the cache says.
    pub cached: Points,
    /// What the entries add up to.
    pub computed: Points,
}

/// Checks a cached balance against the sum of the ledger's amounts.
pub fn verify(
    cached: Points,
    amounts: impl IntoIterator<Item = Points>,
) -> Result<(), BalanceMismatch> {
    let computed = balance_of(amounts);
    if computed == cached {
        Ok(())
    } else {
        Err(BalanceMismatch { cached, computed })
    }
}

/// One volunteer's ledger in memory: the entries, their cached balance and the keys taken. What
/// the storage layer keeps in tables (a unique index on the key, the balance updated in the same
/// transaction), kept here so the rules can be tested whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    entries: Vec<Entry>,
    balance: Points,
    keys: HashSet<String>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Appends `entry` if its key is new and [`apply`] accepts it; returns the new balance.
    /// A refused entry changes nothing.
    pub fn append(&mut self, entry: Entry) -> Result<Points, LedgerError> {
        if let Some(key) = entry.key()
            && self.keys.contains(key)
        {
            return Err(LedgerError::DuplicateKey {
                key: key.to_owned(),
            });
        }
        let after = apply(self.balance, &entry)?;
        if let Some(key) = entry.key() {
            self.keys.insert(key.to_owned());
        }
        self.entries.push(entry);
        self.balance = after;
        Ok(after)
    }

    /// The cached balance.
    pub fn balance(&self) -> Points {
        self.balance
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// True when an entry has this key.
    pub fn has_key(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    /// Checks the cached balance against the entries.
    pub fn verify(&self) -> Result<(), BalanceMismatch> {
        verify(self.balance, self.entries.iter().map(Entry::amount))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::ActivityId;
    use crate::volunteer::VolunteerId;

    fn price(n: i64) -> Price {
        Price::new(n).unwrap()
    }

    fn source(a: i64) -> AwardSource {
        AwardSource::Activity {
            activity: ActivityId(a),
            volunteer: VolunteerId(1),
        }
    }

    #[test]
    fn constructors_fix_sign_and_key() {
        let a = Entry::award(&source(3), Points(25)).unwrap();
        assert_eq!(
            (a.kind(), a.amount(), a.key()),
            (EntryKind::Award, Points(25), Some("activity:3:volunteer:1"))
        );
        let r = Entry::redemption(RedemptionId(9), price(40));
        assert_eq!((r.amount(), r.key()), (Points(-40), Some("redemption:9")));
        let f = Entry::refund(RedemptionId(9), price(40));
        assert_eq!((f.amount(), f.key()), (Points(40), Some("refund:9")));
        let adj = Entry::adjustment(Points(-3), "录入错误").unwrap();
        assert_eq!(adj.reason().unwrap().as_str(), "录入错误");
        assert_eq!(adj.key(), None);
        let e = Entry::expiry(Points(5), "expiry:2026".into()).unwrap();
        assert_eq!(e.amount(), Points(-5));
    }

    #[test]
    fn constructor_refusals() {
        assert_eq!(
            Entry::award(&source(1), Points(0)),
            Err(EntryError::NotPositive {
                kind: EntryKind::Award
            })
        );
        assert_eq!(
            Entry::expiry(Points(0), "k".into()),
            Err(EntryError::NotPositive {
                kind: EntryKind::Expiry
            })
        );
        let err = Entry::adjustment(Points(5), "  ").unwrap_err();
        assert_eq!(err, EntryError::Reason(NoteError::Empty));
        assert_eq!(err.code(), "points.reason_required");
        assert_eq!(
            Entry::adjustment(Points(0), "why"),
            Err(EntryError::WrongSign {
                kind: EntryKind::Adjustment
            })
        );
        assert_eq!(
            EntryError::NotPositive {
                kind: EntryKind::Award
            }
            .code(),
            "points.amount_not_positive"
        );
    }

    #[test]
    fn stored_entries_are_checked_again() {
        assert!(
            Entry::from_stored(
                EntryKind::Award,
                5,
                Some("activity:1:volunteer:1".into()),
                None
            )
            .is_ok()
        );
        assert_eq!(
            Entry::from_stored(EntryKind::Award, -5, Some("k".into()), None),
            Err(EntryError::WrongSign {
                kind: EntryKind::Award
            })
        );
        assert_eq!(
            Entry::from_stored(EntryKind::Redemption, 5, Some("k".into()), None),
            Err(EntryError::WrongSign {
                kind: EntryKind::Redemption
            })
        );
        assert_eq!(
            Entry::from_stored(EntryKind::Refund, 5, None, None),
            Err(EntryError::MissingKey {
                kind: EntryKind::Refund
            })
        );
        assert_eq!(
            Entry::from_stored(EntryKind::Adjustment, -5, None, None),
            Err(EntryError::Reason(NoteError::Empty))
        );
        assert_eq!(
            Entry::from_stored(EntryKind::Adjustment, 0, None, Some("x")),
            Err(EntryError::WrongSign {
                kind: EntryKind::Adjustment
            })
        );
        let adj = Entry::from_stored(EntryKind::Adjustment, -5, None, Some("x")).unwrap();
        assert_eq!(adj, Entry::adjustment(Points(-5), "x").unwrap());
        assert_eq!(
            EntryError::MissingKey {
                kind: EntryKind::Award
            }
            .code(),
            "points.missing_key"
        );
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.as_str()), Ok(*k));
        }
    }

    #[test]
    fn a_debit_never_makes_a_balance_negative() {
        let debit = Entry::redemption(RedemptionId(1), price(30));
        assert_eq!(apply(Points(30), &debit), Ok(Points::ZERO));
        let err = apply(Points(29), &debit).unwrap_err();
        assert_eq!(
            err,
            LedgerError::InsufficientPoints {
                balance: Points(29),
                needed: Points(30)
            }
        );
        assert_eq!(err.code(), "points.insufficient");
        let take = Entry::adjustment(Points(-10), "多记").unwrap();
        assert_eq!(apply(Points(10), &take), Ok(Points::ZERO));
        assert!(matches!(
            apply(Points(9), &take),
            Err(LedgerError::InsufficientPoints { .. })
        ));
        // Credits always apply, even to a (corrupt) negative balance.
        let credit = Entry::adjustment(Points(10), "补记").unwrap();
        assert_eq!(apply(Points(-5), &credit), Ok(Points(5)));
        assert_eq!(apply(Points(i64::MAX), &credit), Err(LedgerError::Overflow));
        assert_eq!(LedgerError::Overflow.code(), "points.overflow");
    }

    #[test]
    fn the_balance_is_the_sum_and_a_cache_can_be_checked() {
        let amounts = [Points(25), Points(-10), Points(3)];
        assert_eq!(balance_of(amounts), Points(18));
        assert_eq!(balance_of([]), Points::ZERO);
        assert_eq!(verify(Points(18), amounts), Ok(()));
        assert_eq!(
            verify(Points(20), amounts),
            Err(BalanceMismatch {
                cached: Points(20),
                computed: Points(18)
            })
        );
        assert_eq!(
            balance_of([Points(i64::MAX), Points(i64::MAX)]),
            Points(i64::MAX)
        );
    }

    #[test]
    fn the_in_memory_ledger_takes_each_key_once() {
        let mut l = Ledger::new();
        assert_eq!(
            l.append(Entry::award(&source(1), Points(20)).unwrap()),
            Ok(Points(20))
        );
        let again = l
            .append(Entry::award(&source(1), Points(20)).unwrap())
            .unwrap_err();
        assert_eq!(
            again,
            LedgerError::DuplicateKey {
                key: "activity:1:volunteer:1".into()
            }
        );
        assert_eq!(again.code(), "points.duplicate_entry");
        assert!(l.has_key("activity:1:volunteer:1"));
        assert!(matches!(
            l.append(Entry::redemption(RedemptionId(1), price(21))),
            Err(LedgerError::InsufficientPoints { .. })
        ));
        // A refused debit takes no key: the same redemption may be tried again.
        assert!(!l.has_key("redemption:1"));
        assert_eq!(
            l.append(Entry::redemption(RedemptionId(1), price(20))),
            Ok(Points::ZERO)
        );
        assert_eq!(l.entries().len(), 2);
        assert_eq!(l.verify(), Ok(()));
    }
}
