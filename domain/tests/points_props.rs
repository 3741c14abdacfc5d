//! Random sequences of awards (with repeated sources), redemptions of random rewards, fulfilments,
//! cancels, adjustments and expiries, applied only through the domain's decision functions, keep
//! the points promises: every balance is the sum of its entries and never negative; one award
//! per source; stock never below zero and never more sold than put up; a refund only for a
//! cancelled pending order, once.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use linli_domain::RequestId;
use linli_domain::activity::ActivityId;
use linli_domain::points::{
    AwardSource, Entry, EntryError, EntryKind, Ledger, LedgerError, Points, PointsRule, apply,
    award_for_activity, award_for_request, balance_of,
};
use linli_domain::request::Rating;
use linli_domain::reward::{
    PerPersonLimit, Price, RedeemError, RedemptionError, RedemptionId, RedemptionStatus, Reward,
    RewardKind, RewardName, Stock, Validity, cancel, decide_redemption, fulfil,
};
use linli_domain::volunteer::{VolunteerId, VolunteerKind};
use proptest::prelude::*;

const VOLUNTEERS: usize = 3;

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_796_000_000, 0).unwrap()
}

#[derive(Debug, Clone)]
struct RewardSpec {
    price: i64,
    stock: Option<u32>,
    limit: Option<u32>,
    /// Valid from t0 + this many hours, for 48 hours; `None`: always.
    window_from_hours: Option<i64>,
    active: bool,
}

fn reward_spec() -> impl Strategy<Value = RewardSpec> {
    (
        1i64..60,
        prop::option::weighted(0.8, 0u32..6),
        prop::option::of(1u32..4),
        prop::option::weighted(0.3, -24i64..48),
        prop::bool::weighted(0.9),
    )
        .prop_map(
            |(price, stock, limit, window_from_hours, active)| RewardSpec {
                price,
                stock,
                limit,
                window_from_hours,
                active,
            },
        )
}

impl RewardSpec {
    fn reward(&self) -> Reward {
        let validity = match self.window_from_hours {
            None => Validity::always(),
            Some(h) => {
                let from = t0() + TimeDelta::hours(h);
                Validity::new(Some(from), Some(from + TimeDelta::hours(48))).unwrap()
            }
        };
        Reward {
            name: RewardName::parse("礼品").unwrap(),
            kind: RewardKind::Gift,
            price: Price::new(self.price).unwrap(),
            stock: self.stock.map_or(Stock::Unlimited, Stock::Limited),
            per_person_limit: self
                .limit
                .map(|l| PerPersonLimit::new(i64::from(l)).unwrap()),
            validity,
            active: self.active,
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// Award for serving `minutes` at activity `activity` (few ids: sources repeat).
    AwardActivity {
        volunteer: usize,
        activity: i64,
        minutes: i64,
    },
    /// Award for a rated request (few ids: sources repeat).
    AwardRequest {
        volunteer: usize,
        request: i64,
        rating: usize,
    },
    Redeem {
        volunteer: usize,
        reward: usize,
    },
    Fulfil {
        order: usize,
    },
    Cancel {
        order: usize,
    },
    /// Try to refund an order a second time, straight into the ledger.
    RefundAgain {
        order: usize,
    },
    Adjust {
        volunteer: usize,
        amount: i64,
        with_reason: bool,
    },
    Expire {
        volunteer: usize,
        amount: i64,
        run: u8,
    },
    Tick {
        hours: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let v = 0..VOLUNTEERS;
    prop_oneof![
        3 => (v.clone(), 1i64..5, 0i64..300).prop_map(|(volunteer, activity, minutes)| Op::AwardActivity { volunteer, activity, minutes }),
        2 => (v.clone(), 1i64..4, 0usize..3).prop_map(|(volunteer, request, rating)| Op::AwardRequest { volunteer, request, rating }),
        5 => (v.clone(), 0usize..4).prop_map(|(volunteer, reward)| Op::Redeem { volunteer, reward }),
        1 => (0usize..40).prop_map(|order| Op::Fulfil { order }),
        2 => (0usize..40).prop_map(|order| Op::Cancel { order }),
        1 => (0usize..40).prop_map(|order| Op::RefundAgain { order }),
        2 => (v.clone(), -80i64..80, prop::bool::weighted(0.8)).prop_map(|(volunteer, amount, with_reason)| Op::Adjust { volunteer, amount, with_reason }),
        1 => (v, 1i64..40, 0u8..3).prop_map(|(volunteer, amount, run)| Op::Expire { volunteer, amount, run }),
        1 => (1i64..30).prop_map(|hours| Op::Tick { hours }),
    ]
}

#[derive(Debug)]
struct Order {
    id: RedemptionId,
    volunteer: usize,
    reward: usize,
    price: Price,
    status: RedemptionStatus,
}

struct World {
    rule: PointsRule,
    kinds: [VolunteerKind; VOLUNTEERS],
    ledgers: Vec<Ledger>,
    rewards: Vec<Reward>,
    stock_left: Vec<Stock>,
    orders: Vec<Order>,
    now: DateTime<Utc>,
}

impl World {
    fn new(specs: &[RewardSpec]) -> Self {
        let rule = PointsRule::default()
            .with_multiplier(VolunteerKind::RetiredPartyMember, 12_500)
            .unwrap()
            .with_multiplier(VolunteerKind::Veteran, 7_500)
            .unwrap();
        let rewards: Vec<Reward> = specs.iter().map(RewardSpec::reward).collect();
        World {
            rule,
            kinds: [
                VolunteerKind::ServingPartyMember,
                VolunteerKind::RetiredPartyMember,
                VolunteerKind::Veteran,
            ],
            ledgers: (0..VOLUNTEERS).map(|_| Ledger::new()).collect(),
            stock_left: rewards.iter().map(|r| r.stock).collect(),
            rewards,
            orders: Vec::new(),
            now: t0(),
        }
    }

    fn award(&mut self, volunteer: usize, source: AwardSource, amount: Points) {
        if !amount.is_positive() {
            assert_eq!(
                Entry::award(&source, amount),
                Err(EntryError::NotPositive {
                    kind: EntryKind::Award
                })
            );
            return;
        }
        let entry = Entry::award(&source, amount).unwrap();
        let seen = self.ledgers[volunteer].has_key(&source.idempotency_key());
        let before = self.ledgers[volunteer].balance();
        match self.ledgers[volunteer].append(entry) {
            Ok(after) => {
                assert!(!seen);
                assert_eq!(after, Points(before.0 + amount.0));
            }
            Err(e) => {
                assert!(seen, "{e}");
                assert_eq!(
                    e,
                    LedgerError::DuplicateKey {
                        key: source.idempotency_key()
                    }
                );
                assert_eq!(self.ledgers[volunteer].balance(), before);
            }
        }
    }

    fn run(&mut self, op: &Op) {
        match *op {
            Op::AwardActivity {
                volunteer,
                activity,
                minutes,
            } => {
                let source = AwardSource::Activity {
                    activity: ActivityId(activity),
                    volunteer: VolunteerId(volunteer as i64),
                };
                let amount = award_for_activity(&self.rule, self.kinds[volunteer], minutes);
                self.award(volunteer, source, amount);
            }
            Op::AwardRequest {
                volunteer,
                request,
                rating,
            } => {
                let rating = [
                    Rating::Satisfied,
                    Rating::BasicallySatisfied,
                    Rating::Dissatisfied,
                ][rating];
                let source = AwardSource::Request {
                    request: RequestId(request),
                    volunteer: VolunteerId(volunteer as i64),
                };
                let amount = award_for_request(&self.rule, self.kinds[volunteer], rating);
                self.award(volunteer, source, amount);
            }
            Op::Redeem { volunteer, reward } => {
                let Some(r) = self.rewards.get(reward) else {
                    return;
                };
                let already = self
                    .orders
                    .iter()
                    .filter(|o| {
                        o.volunteer == volunteer
                            && o.reward == reward
                            && o.status != RedemptionStatus::Cancelled
                    })
                    .count() as u32;
                let balance = self.ledgers[volunteer].balance();
                match decide_redemption(r, self.stock_left[reward], already, balance, self.now) {
                    Ok(plan) => {
                        let id = RedemptionId(self.orders.len() as i64 + 1);
                        let after = self.ledgers[volunteer]
                            .append(plan.debit(id))
                            .expect("a planned debit is covered");
                        assert_eq!(after, plan.balance_after);
                        self.stock_left[reward] = plan.stock_after;
                        self.orders.push(Order {
                            id,
                            volunteer,
                            reward,
                            price: plan.price,
                            status: RedemptionStatus::Pending,
                        });
                    }
                    Err(RedeemError::InsufficientPoints { balance: b, price }) => {
                        assert_eq!(b, balance);
                        assert!(balance.0 < price.0);
                    }
                    Err(RedeemError::OutOfStock) => {
                        assert_eq!(self.stock_left[reward], Stock::Limited(0));
                    }
                    Err(RedeemError::LimitReached { limit }) => assert!(already >= limit),
                    Err(RedeemError::RewardInactive) => assert!(!r.active),
                    Err(RedeemError::NotYetValid { from }) => assert!(self.now < from),
                    Err(RedeemError::Expired { until }) => assert!(self.now >= until),
                }
            }
            Op::Fulfil { order } => {
                let Some(o) = self.orders.get_mut(order) else {
                    return;
                };
                match fulfil(o.status) {
                    Ok(s) => {
                        assert_eq!(o.status, RedemptionStatus::Pending);
                        o.status = s;
                    }
                    Err(RedemptionError::InvalidTransition { from, .. }) => {
                        assert_ne!(from, RedemptionStatus::Pending);
                    }
                }
            }
            Op::Cancel { order } => {
                let Some(o) = self.orders.get_mut(order) else {
                    return;
                };
                match cancel(o.status, o.id, o.price) {
                    Ok(c) => {
                        assert_eq!(o.status, RedemptionStatus::Pending);
                        self.ledgers[o.volunteer]
                            .append(c.refund.clone())
                            .expect("a refund is a credit, once");
                        self.stock_left[o.reward] = c.stock_after(self.stock_left[o.reward]);
                        o.status = RedemptionStatus::Cancelled;
                    }
                    Err(RedemptionError::InvalidTransition { from, .. }) => {
                        assert_ne!(from, RedemptionStatus::Pending);
                    }
                }
            }
            Op::RefundAgain { order } => {
                let Some(o) = self.orders.get(order) else {
                    return;
                };
                let entry = Entry::refund(o.id, o.price);
                let ledger = &mut self.ledgers[o.volunteer];
                if o.status == RedemptionStatus::Cancelled {
                    assert_eq!(
                        ledger.append(entry),
                        Err(LedgerError::DuplicateKey {
                            key: Entry::refund_key(o.id)
                        })
                    );
                } else {
                    // Not cancelled: no refund was ever made for it.
                    assert!(!ledger.has_key(&Entry::refund_key(o.id)));
                }
            }
            Op::Adjust {
                volunteer,
                amount,
                with_reason,
            } => {
                let reason = if with_reason { "更正" } else { " " };
                match Entry::adjustment(Points(amount), reason) {
                    Ok(entry) => {
                        assert!(with_reason && amount != 0);
                        let ledger = &mut self.ledgers[volunteer];
                        let before = ledger.balance();
                        match ledger.append(entry) {
                            Ok(after) => assert_eq!(after.0, before.0 + amount),
                            Err(LedgerError::InsufficientPoints { balance, needed }) => {
                                assert!(amount < 0 && before.0 + amount < 0);
                                assert_eq!((balance, needed), (before, Points(-amount)));
                            }
                            Err(e) => panic!("{e}"),
                        }
                    }
                    Err(_) => assert!(!with_reason || amount == 0),
                }
            }
            Op::Expire {
                volunteer,
                amount,
                run,
            } => {
                let entry =
                    Entry::expiry(Points(amount), format!("expiry:{volunteer}:{run}")).unwrap();
                let ledger = &mut self.ledgers[volunteer];
                let before = ledger.balance();
                match ledger.append(entry) {
                    Ok(after) => assert_eq!(after.0, before.0 - amount),
                    Err(LedgerError::InsufficientPoints { .. }) => assert!(before.0 < amount),
                    Err(LedgerError::DuplicateKey { .. }) => {}
                    Err(e) => panic!("{e}"),
                }
            }
            Op::Tick { hours } => self.now += TimeDelta::hours(hours),
        }
    }

    fn check(&self) {
        let mut award_keys = HashSet::new();
        let mut refund_keys: HashMap<String, usize> = HashMap::new();
        for (v, ledger) in self.ledgers.iter().enumerate() {
            let entries = ledger.entries();
            let sum = balance_of(entries.iter().map(Entry::amount));
            assert_eq!(ledger.balance(), sum, "volunteer {v}: cache = sum");
            assert!(!sum.is_negative(), "volunteer {v}: balance {sum} < 0");
            assert_eq!(ledger.verify(), Ok(()));
            // Replaying the entries through `apply` from zero never refuses and never dips below 0.
            let mut running = Points::ZERO;
            for e in entries {
                running = apply(running, e).expect("every stored entry applies in order");
                assert!(!running.is_negative());
            }
            assert_eq!(running, sum);
            for e in entries {
                match e.kind() {
                    EntryKind::Award => {
                        assert!(e.amount().is_positive());
                        assert!(
                            award_keys.insert(e.key().unwrap().to_owned()),
                            "one award per source"
                        );
                    }
                    EntryKind::Refund => {
                        *refund_keys.entry(e.key().unwrap().to_owned()).or_default() += 1;
                    }
                    EntryKind::Redemption | EntryKind::Expiry => assert!(e.amount().is_negative()),
                    EntryKind::Adjustment => assert!(e.reason().is_some()),
                }
            }
            // Redemptions and refunds match this volunteer's orders exactly.
            let mine = self.orders.iter().filter(|o| o.volunteer == v);
            let (mut charged, mut refunded) = (0i64, 0i64);
            for o in mine {
                charged += o.price.points().0;
                if o.status == RedemptionStatus::Cancelled {
                    refunded += o.price.points().0;
                }
            }
            let sum_of = |k: EntryKind| -> i64 {
                entries
                    .iter()
                    .filter(|e| e.kind() == k)
                    .map(|e| e.amount().0)
                    .sum()
            };
            assert_eq!(sum_of(EntryKind::Redemption), -charged);
            assert_eq!(sum_of(EntryKind::Refund), refunded);
        }
        // A refund exists exactly for each cancelled order, once.
        for o in &self.orders {
            let n = refund_keys
                .get(&Entry::refund_key(o.id))
                .copied()
                .unwrap_or(0);
            let expected = usize::from(o.status == RedemptionStatus::Cancelled);
            assert_eq!(n, expected, "order {:?}", o);
        }
        assert_eq!(
            refund_keys.len(),
            self.orders
                .iter()
                .filter(|o| o.status == RedemptionStatus::Cancelled)
                .count()
        );
        for (i, reward) in self.rewards.iter().enumerate() {
            let held = self
                .orders
                .iter()
                .filter(|o| o.reward == i && o.status != RedemptionStatus::Cancelled)
                .count() as u32;
            if let (Stock::Limited(initial), Stock::Limited(left)) =
                (reward.stock, self.stock_left[i])
            {
                assert!(held <= initial, "sold {held} of {initial}");
                assert_eq!(left + held, initial, "stock is conserved");
            } else {
                assert_eq!(reward.stock, Stock::Unlimited);
                assert_eq!(self.stock_left[i], Stock::Unlimited);
            }
            if let Some(limit) = reward.per_person_limit {
                for v in 0..VOLUNTEERS {
                    let mine = self
                        .orders
                        .iter()
                        .filter(|o| {
                            o.reward == i
                                && o.volunteer == v
                                && o.status != RedemptionStatus::Cancelled
                        })
                        .count() as u32;
                    assert!(mine <= limit.get());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_ledger_keeps_its_promises(
        specs in prop::collection::vec(reward_spec(), 1..4),
        ops in prop::collection::vec(op(), 0..120),
    ) {
        let mut world = World::new(&specs);
        world.check();
        for op in &ops {
            world.run(op);
            world.check();
        }
    }

    #[test]
    fn apply_never_leaves_a_balance_negative(amounts in prop::collection::vec(-100i64..100, 0..200)) {
        let mut balance = Points::ZERO;
        let mut accepted = Vec::new();
        for a in amounts {
            let Ok(entry) = Entry::adjustment(Points(a), "test") else {
                prop_assert_eq!(a, 0);
                continue;
            };
            match apply(balance, &entry) {
                Ok(after) => {
                    prop_assert!(!after.is_negative());
                    accepted.push(Points(a));
                    balance = after;
                }
                Err(LedgerError::InsufficientPoints { balance: b, needed }) => {
                    prop_assert_eq!(b, balance);
                    prop_assert_eq!(needed, Points(-a));
                    prop_assert!(balance.0 + a < 0);
                }
                Err(e) => prop_assert!(false, "{}", e),
            }
            prop_assert_eq!(balance_of(accepted.iter().copied()), balance);
        }
    }
}
