//! A stored meeting rendered for one caller.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use linli_persistence::meetings::{MeetingDetail, MeetingRecord};

use super::wire::*;
use crate::crypto::DataCipher;

/// The full view. Outside parties' phones are shown in full to those who manage the meeting and
/// masked for everyone else.
pub fn render(
    d: &MeetingDetail,
    manages: bool,
    cipher: &DataCipher,
    now: DateTime<Utc>,
    tz: Tz,
) -> MeetingView {
    let m = &d.meeting;
    let mut overdue = 0;
    let resolutions = d
        .resolutions
        .iter()
        .map(|r| ResolutionView {
            id: r.id,
            text: r.text.clone(),
            decided_at: r.decided_at,
            resolves_requests: r.resolves_requests,
            settled_at: r.settled_at,
            agreement: r.agreement.as_ref().map(|a| AgreementView {
                parties: a.parties.clone(),
                text: a.text.clone(),
                signed_on: a.signed_on,
                attachment_url: a.attachment_url.clone(),
            }),
            action_items: r
                .items
                .iter()
                .map(|i| {
                    let is_overdue = i.item.is_overdue(now, tz);
                    if is_overdue {
                        overdue += 1;
                    }
                    ActionItemView {
                        id: i.id,
                        title: i.title.clone(),
                        owner_user_id: i.owner_user_id.map(|u| u.0),
                        owner_name: i.owner_name.clone(),
                        due_on: i.item.due_on,
                        status: i.item.status.into(),
                        overdue: is_overdue,
                        done_on_time: i.item.done_on_time(tz),
                        note: i.note.clone(),
                        finished_by: i.item.finished_by.map(|u| u.0),
                        finished_at: i.item.finished_at,
                    }
                })
                .collect(),
        })
        .collect();
    MeetingView {
        id: m.id.0,
        kind: m.kind.into(),
        status: m.status.into(),
        title: m.title.clone(),
        starts_at: m.starts_at,
        place: m.place.clone(),
        org_node_id: m.org_node_id.0,
        community_id: m.community_id.0,
        organiser: OrganiserView {
            id: m.organiser_id.0,
            name: d.organiser_name.clone(),
        },
        agenda: m.agenda.clone(),
        minutes: m.minutes.clone(),
        held_at: m.held_at,
        cancel_reason: m.cancel_reason.clone(),
        finished_at: m.finished_at,
        version: m.version,
        can_manage: manages,
        participants: d
            .participants
            .iter()
            .map(|p| match &p.party {
                Some(party) => ParticipantView {
                    id: p.id,
                    role: p.role.into(),
                    user_id: None,
                    name: party.name.clone(),
                    organisation: party.organisation.clone(),
                    party_kind: Some(party.kind.into()),
                    contact_phone: if manages {
                        party
                            .contact_phone_enc
                            .as_deref()
                            .and_then(|enc| cipher.decrypt(enc).ok())
                            .or_else(|| party.contact_phone_masked.clone())
                    } else {
                        party.contact_phone_masked.clone()
                    },
                    attended: p.attended,
                },
                None => ParticipantView {
                    id: p.id,
                    role: p.role.into(),
                    user_id: p.user_id.map(|u| u.0),
                    name: p.user_name.clone().unwrap_or_default(),
                    organisation: None,
                    party_kind: None,
                    contact_phone: None,
                    attended: p.attended,
                },
            })
            .collect(),
        requests: d
            .requests
            .iter()
            .map(|r| LinkedRequestView {
                request_id: r.request_id.0,
                linked_at: r.linked_at,
                resolved_at: r.resolved_at,
            })
            .collect(),
        resolutions,
        overdue_action_items: overdue,
    }
}

/// A list entry.
pub fn summary(m: &MeetingRecord) -> MeetingSummary {
    MeetingSummary {
        id: m.id.0,
        kind: m.kind.into(),
        status: m.status.into(),
        title: m.title.clone(),
        starts_at: m.starts_at,
        place: m.place.clone(),
        org_node_id: m.org_node_id.0,
        version: m.version,
    }
}
