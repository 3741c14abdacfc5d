//! Accepting a new request (点单): who may use which channel, and its first deadlines.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;

use crate::access::{Actor, RoleKind};
use crate::category::Category;
use crate::org::NodePath;
use crate::request::{
    Assignee, Channel, Event, EventKind, QueueLevel, Rating, Request, RequestStatus,
};
use crate::time;
use crate::{CategoryId, PropertyCompanyId, RequestId, UserId};

/// What a client asks to submit, once the API has resolved the category and the building.
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    /// The service category chosen.
    pub category: &'a Category,
    /// The building the request concerns.
    pub building_path: NodePath,
    /// How it came in.
    pub channel: Channel,
    /// The company managing the building's compound now, if any.
    pub managing_company: Option<PropertyCompanyId>,
}

/// A request the rules accepted, before storage gives it an id: every field of [`Request`]
/// but `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// Where it stands: submitted.
    pub status: RequestStatus,
    /// Its service category.
    pub category_id: CategoryId,
    /// The building it concerns.
    pub building_path: NodePath,
    /// The company managing the building's compound.
    pub managing_company: Option<PropertyCompanyId>,
    /// How it came in.
    pub channel: Channel,
    /// Who submitted it.
    pub submitted_by: UserId,
    /// When.
    pub submitted_at: DateTime<Utc>,
    /// The community's queue.
    pub queue_level: QueueLevel,
    /// Nobody yet.
    pub assignee: Option<Assignee>,
    /// When a handler must have claimed it.
    pub first_response_due: DateTime<Utc>,
    /// When it must be resolved.
    pub resolution_due: DateTime<Utc>,
    /// Not yet.
    pub responded_at: Option<DateTime<Utc>>,
    /// Not yet.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Nobody yet.
    pub resolved_by: Option<UserId>,
    /// Not yet.
    pub closed_at: Option<DateTime<Utc>>,
    /// None yet.
    pub rating: Option<Rating>,
    /// Zero.
    pub reopen_count: i32,
    /// None.
    pub pending_extension_days: Option<i32>,
    /// Zero.
    pub extension_days: i32,
    /// Not yet.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Zero.
    pub supervise_count: i32,
}

impl NewRequest {
    /// The request as stored, with the id storage gave it.
    pub fn with_id(self, id: RequestId) -> Request {
        Request {
            id,
            status: self.status,
            category_id: self.category_id,
            building_path: self.building_path,
            managing_company: self.managing_company,
            channel: self.channel,
            submitted_by: self.submitted_by,
            submitted_at: self.submitted_at,
            queue_level: self.queue_level,
            assignee: self.assignee,
            first_response_due: self.first_response_due,
            resolution_due: self.resolution_due,
            responded_at: self.responded_at,
            resolved_at: self.resolved_at,
            resolved_by: self.resolved_by,
            closed_at: self.closed_at,
            rating: self.rating,
            reopen_count: self.reopen_count,
            pending_extension_days: self.pending_extension_days,
            extension_days: self.extension_days,
            overdue_at: self.overdue_at,
            supervise_count: self.supervise_count,
        }
    }
}

/// Why a submission was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// The category takes no new requests.
    #[error("the category takes no new requests")]
    CategoryInactive,
    /// The actor may not submit through this channel for this building.
    #[error("this channel is not open to the actor for this building")]
    ChannelNotAllowed,
    /// A partner pushed a request for a building outside its scope.
    #[error("the building is outside the partner's scope")]
    OutOfScope,
}

/// Accepts a request into the community's queue (点单), with its deadlines from the category,
/// and the `submitted` event. The channel is checked before the category: who may submit comes
/// before what they submit.
pub fn submit(
    actor: &Actor,
    s: Submission<'_>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(NewRequest, Event), SubmitError> {
    if !channel_open(actor, s.channel, &s.building_path) {
        return Err(SubmitError::ChannelNotAllowed);
    }
    accept(actor.user_id, s, now, tz)
}

/// Accepts a request a partner platform pushes in for one of its own residents (channel
/// `partner`). A partner is not a user: `submitter` is its service account, which stands as
/// the request's submitter; the building must lie inside the partner's `scope`. The scope is
/// checked before the category, as the channel is for users.
pub fn submit_for_partner(
    submitter: UserId,
    scope: &NodePath,
    s: Submission<'_>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(NewRequest, Event), SubmitError> {
    if !scope.contains(&s.building_path) {
        return Err(SubmitError::OutOfScope);
    }
    let s = Submission {
        channel: Channel::Partner,
        ..s
    };
    accept(submitter, s, now, tz)
}

/// The common part: the category takes requests; deadlines from it; the `submitted` event.
fn accept(
    submitted_by: UserId,
    s: Submission<'_>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(NewRequest, Event), SubmitError> {
    if !s.category.active {
        return Err(SubmitError::CategoryInactive);
    }
    let (first_response_due, resolution_due) = time::deadlines(
        now,
        s.category.first_response_hours,
        s.category.resolution_days,
        tz,
    );
    let event = Event {
        kind: EventKind::Submitted,
        data: json!({ "channel": s.channel.as_str(), "category_id": s.category.id }),
    };
    let new = NewRequest {
        status: RequestStatus::Submitted,
        category_id: s.category.id,
        building_path: s.building_path,
        managing_company: s.managing_company,
        channel: s.channel,
        submitted_by,
        submitted_at: now,
        queue_level: QueueLevel::Community,
        assignee: None,
        first_response_due,
        resolution_due,
        responded_at: None,
        resolved_at: None,
        resolved_by: None,
        closed_at: None,
        rating: None,
        reopen_count: 0,
        pending_extension_days: None,
        extension_days: 0,
        overdue_at: None,
        supervise_count: 0,
    };
    Ok((new, event))
}

/// Online channels are open to anyone signed in; the desk and the hotline to staff over the
/// building, who type requests in; the butler channel to the building's butlers and those over
/// them; the partner channel only to partners, which are not users.
fn channel_open(actor: &Actor, channel: Channel, building: &NodePath) -> bool {
    match channel {
        Channel::MiniProgram | Channel::QrCode => true,
        Channel::FrontDesk | Channel::Hotline => actor.administers(building),
        Channel::Butler => [
            RoleKind::Butler,
            RoleKind::GridWorker,
            RoleKind::CommunityStaff,
        ]
        .into_iter()
        .any(|kind| actor.has_role_over(kind, building)),
        Channel::Partner => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::fixtures::*;

    fn submission(channel: Channel, building_path: NodePath) -> Submission<'static> {
        Submission {
            category: &CATEGORY,
            building_path,
            channel,
            managing_company: Some(COMPANY),
        }
    }

    fn try_submit(actor: &Actor, channel: Channel) -> Result<(NewRequest, Event), SubmitError> {
        submit(
            actor,
            submission(channel, building_path()),
            submitted_at(),
            TZ,
        )
    }

    #[test]
    fn a_resident_submits_into_the_community_queue() {
        let (new, event) = try_submit(&resident(), Channel::MiniProgram).unwrap();
        let r = new.with_id(RequestId(42));
        assert_eq!(r.id, RequestId(42));
        assert_eq!(r.status, RequestStatus::Submitted);
        assert_eq!(r.queue_level, QueueLevel::Community);
        assert_eq!(r.submitted_by, RESIDENT);
        assert_eq!(r.submitted_at, submitted_at());
        assert_eq!(r.managing_company, Some(COMPANY));
        assert_eq!(r.assignee, None);
        // 10:00 on 2 November, 24 hours and 7 days.
        assert_eq!(r.first_response_due, at("2026-11-03T10:00:00+08:00"));
        assert_eq!(r.resolution_due, at("2026-11-10T00:00:00+08:00"));
        assert_eq!(
            (r.reopen_count, r.extension_days, r.supervise_count),
            (0, 0, 0)
        );
        assert_eq!(r.pending_extension_days, None);
        assert_eq!(event.kind, EventKind::Submitted);
        assert_eq!(
            event.data,
            json!({ "channel": "mini_program", "category_id": 1 })
        );
    }

    #[test]
    fn online_channels_are_open_to_anyone_signed_in() {
        for who in [resident(), other_resident(), volunteer(), property()] {
            for channel in [Channel::MiniProgram, Channel::QrCode] {
                assert!(try_submit(&who, channel).is_ok(), "{who:?} {channel:?}");
            }
        }
    }

    #[test]
    fn desk_and_hotline_are_for_staff_over_the_building() {
        for channel in [Channel::FrontDesk, Channel::Hotline] {
            for who in [community(), street(), district()] {
                assert!(try_submit(&who, channel).is_ok(), "{who:?} {channel:?}");
            }
            for who in [
                resident(),
                butler(),
                grid_worker(),
                other_community(),
                other_street(),
            ] {
                assert_eq!(
                    try_submit(&who, channel),
                    Err(SubmitError::ChannelNotAllowed),
                    "{who:?} {channel:?}"
                );
            }
        }
    }

    #[test]
    fn the_butler_channel_is_for_the_building_and_those_over_it() {
        for who in [butler(), grid_worker(), community()] {
            assert!(try_submit(&who, Channel::Butler).is_ok(), "{who:?}");
        }
        for who in [
            other_butler(),
            other_grid_worker(),
            resident(),
            street(),
            volunteer(),
        ] {
            assert_eq!(
                try_submit(&who, Channel::Butler),
                Err(SubmitError::ChannelNotAllowed),
                "{who:?}"
            );
        }
    }

    #[test]
    fn no_user_submits_as_a_partner() {
        for who in [resident(), community(), district()] {
            assert_eq!(
                try_submit(&who, Channel::Partner),
                Err(SubmitError::ChannelNotAllowed)
            );
        }
    }

    #[test]
    fn an_inactive_category_takes_nothing() {
        let closed = Category {
            active: false,
            ..CATEGORY.clone()
        };
        let s = Submission {
            category: &closed,
            ..submission(Channel::MiniProgram, building_path())
        };
        assert_eq!(
            submit(&resident(), s, submitted_at(), TZ),
            Err(SubmitError::CategoryInactive)
        );
        // The channel is judged first.
        let s = Submission {
            category: &closed,
            ..submission(Channel::Partner, building_path())
        };
        assert_eq!(
            submit(&resident(), s, submitted_at(), TZ),
            Err(SubmitError::ChannelNotAllowed)
        );
    }

    #[test]
    fn a_partner_submits_through_its_channel_within_its_scope_only() {
        let service = UserId(900);
        let building = building_path();
        // The building's community, or a grid above it, is a scope that contains it.
        let community = path(&[1, 2, 3]);
        let grid = path(&[1, 2, 3, 4]);
        for scope in [community.clone(), grid.clone()] {
            let (new, event) = submit_for_partner(
                service,
                &scope,
                submission(Channel::MiniProgram, building.clone()),
                submitted_at(),
                TZ,
            )
            .unwrap();
            assert_eq!(new.channel, Channel::Partner);
            assert_eq!(new.submitted_by, service);
            assert_eq!(new.status, RequestStatus::Submitted);
            assert_eq!(event.data["channel"], "partner");
        }
        // Another grid of the same community is not.
        let elsewhere = path(&[1, 2, 3, 5]);
        assert_eq!(
            submit_for_partner(
                service,
                &elsewhere,
                submission(Channel::Partner, building.clone()),
                submitted_at(),
                TZ
            ),
            Err(SubmitError::OutOfScope)
        );
        // Scope first, then the category.
        let closed = Category {
            active: false,
            ..CATEGORY.clone()
        };
        let s = |scope: &NodePath| {
            submit_for_partner(
                service,
                scope,
                Submission {
                    category: &closed,
                    ..submission(Channel::Partner, building.clone())
                },
                submitted_at(),
                TZ,
            )
        };
        assert_eq!(s(&elsewhere), Err(SubmitError::OutOfScope));
        assert_eq!(s(&community), Err(SubmitError::CategoryInactive));
    }
}
