use serde::{Deserialize, Serialize};

/// How a request reached the service supermarket (渠道).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The district mini-program "@莲".
    MiniProgram,
    /// The QR code posted on a building.
    QrCode,
    /// The guidance desk (导办台), entered by staff.
    FrontDesk,
    /// The complaint hotline (投诉电话), entered by staff.
    Hotline,
    /// Reported by a building butler on a resident's behalf.
    Butler,
    /// Pushed in by a partner platform such as 云家园.
    Partner,
}

/// A string that names no channel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel `{0}`")]
pub struct UnknownChannel(pub String);

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 6] = [
        Channel::MiniProgram,
        Channel::QrCode,
        Channel::FrontDesk,
        Channel::Hotline,
        Channel::Butler,
        Channel::Partner,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::MiniProgram => "mini_program",
            Channel::QrCode => "qr_code",
            Channel::FrontDesk => "front_desk",
            Channel::Hotline => "hotline",
            Channel::Butler => "butler",
            Channel::Partner => "partner",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, UnknownChannel> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownChannel(s.to_owned()))
    }

    /// Channels where staff typed the request in for a resident who has no account in hand:
    /// community staff rate and reopen these on the resident's behalf.
    pub fn is_staff_entered(self) -> bool {
        matches!(self, Channel::FrontDesk | Channel::Hotline)
    }
}
