//! Activity errors as the API answers them, with stable codes and Chinese messages.

use linli_domain::activity::{
    ActivityError, ActivityStatus, AttendanceError, CapacityError, CodeError, CorrectionError,
    SignupError,
};
use serde_json::json;

use crate::error::{ApiError, Msg};

/// 404 for an activity that does not exist or that the caller may not see.
pub fn not_found() -> ApiError {
    ApiError::not_found(
        "activity.not_found",
        Msg::new("活动不存在", "No such activity"),
    )
}

/// 403 for an activity the caller sees but does not manage.
pub fn forbidden() -> ApiError {
    ApiError::forbidden(
        "activity.forbidden",
        Msg::new(
            "只有活动所属社区及上级街道、区的工作人员可以管理活动",
            "Only staff of the activity's community, or above it, manage it",
        ),
    )
}

/// 403 for a caller without a volunteer profile in the activity's community.
pub fn not_a_volunteer() -> ApiError {
    ApiError::forbidden(
        "activity.not_a_volunteer",
        Msg::new(
            "只有本社区的志愿者可以报名和签到",
            "Only volunteers of the activity's community sign up and check in",
        ),
    )
}

/// 409 when the version read is not the current one.
pub fn version_conflict(expected: i64, current: i64) -> ApiError {
    ApiError::conflict(
        "activity.version_conflict",
        Msg::new(
            "活动已被他人修改，请刷新后重试",
            "The activity changed since you read it; reload and retry",
        ),
    )
    .with_details(json!({ "expected": expected, "current": current }))
}

fn zh_status(s: ActivityStatus) -> &'static str {
    s.zh()
}

impl From<ActivityError> for ApiError {
    fn from(e: ActivityError) -> Self {
        match e {
            ActivityError::InvalidTransition { from, action } => ApiError::conflict(
                "activity.invalid_transition",
                Msg::new(
                    format!("活动当前状态（{}）不允许{}", zh_status(from), action.zh()),
                    e.to_string(),
                ),
            )
            .with_details(json!({ "status": from.as_str(), "action": action.as_str() })),
        }
    }
}

impl From<CapacityError> for ApiError {
    fn from(e: CapacityError) -> Self {
        match e {
            CapacityError::BelowConfirmed { confirmed } => ApiError::conflict(
                e.code(),
                Msg::new(
                    format!("已有 {confirmed} 人确认报名，名额不能少于此数"),
                    e.to_string(),
                ),
            )
            .with_details(json!({ "confirmed": confirmed })),
            CapacityError::OutOfRange => {
                ApiError::unprocessable(e.code(), Msg::new("名额应为 1 到 10000", e.to_string()))
            }
        }
    }
}

impl From<SignupError> for ApiError {
    fn from(e: SignupError) -> Self {
        let en = e.to_string();
        match &e {
            SignupError::NotOpen { status } => ApiError::conflict(
                e.code(),
                Msg::new(format!("活动{}，不在报名期", zh_status(*status)), en),
            )
            .with_details(json!({ "status": status.as_str() })),
            SignupError::DeadlinePassed { deadline } => {
                ApiError::conflict(e.code(), Msg::new("报名已截止", en))
                    .with_details(json!({ "deadline": deadline }))
            }
            SignupError::VolunteerNotActive { status } => ApiError::forbidden(
                e.code(),
                Msg::new(format!("志愿者状态为{}，暂不能报名", status.zh()), en),
            )
            .with_details(json!({ "status": status.as_str() })),
            SignupError::MissingSkills { missing } => ApiError::unprocessable(
                e.code(),
                Msg::new(
                    format!(
                        "本活动需要以下技能：{}",
                        missing
                            .iter()
                            .map(|s| s.zh())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                    en,
                ),
            )
            .with_details(json!({
                "missing": missing.iter().map(|s| s.as_str()).collect::<Vec<_>>()
            })),
            SignupError::AlreadySignedUp { status } => {
                ApiError::conflict(e.code(), Msg::new(format!("已报名（{}）", status.zh()), en))
                    .with_details(json!({ "status": status.as_str() }))
            }
            SignupError::NotSignedUp => {
                ApiError::conflict(e.code(), Msg::new("您没有报名本活动", en))
            }
            SignupError::Started => {
                ApiError::conflict(e.code(), Msg::new("活动已开始，不能再取消报名", en))
            }
        }
    }
}

impl From<CodeError> for ApiError {
    fn from(e: CodeError) -> Self {
        let zh = match e {
            CodeError::Malformed => "签到码无效，请重新扫码",
            CodeError::Forged => "签到码校验失败，请扫描活动现场展示的签到码",
            CodeError::Expired => "签到码已过期，请扫描现场最新的签到码",
            CodeError::NotYetValid => "签到码尚未生效，请检查手机时间",
            CodeError::WrongActivity => "该签到码属于其他活动",
            CodeError::WrongPurpose { expected, .. } => match expected {
                linli_domain::activity::CheckinPurpose::In => "这是签退码，请扫描签到码",
                linli_domain::activity::CheckinPurpose::Out => "这是签到码，请扫描签退码",
            },
        };
        ApiError::unprocessable(e.code(), Msg::new(zh, e.to_string()))
    }
}

impl From<AttendanceError> for ApiError {
    fn from(e: AttendanceError) -> Self {
        let en = e.to_string();
        match e {
            AttendanceError::NotConfirmed => ApiError::forbidden(
                e.code(),
                Msg::new("只有报名成功（非候补）的志愿者可以签到", en),
            ),
            AttendanceError::TooEarly { opens_at } => ApiError::conflict(
                e.code(),
                Msg::new("还未到签到时间（活动开始前 30 分钟开放）", en),
            )
            .with_details(json!({ "opens_at": opens_at })),
            AttendanceError::WindowClosed { closed_at } => {
                ApiError::conflict(e.code(), Msg::new("已超过签到（签退）时间", en))
                    .with_details(json!({ "closed_at": closed_at }))
            }
            AttendanceError::AlreadyCheckedIn => {
                ApiError::conflict(e.code(), Msg::new("您已签到，无需重复签到", en))
            }
            AttendanceError::NotCheckedIn => {
                ApiError::conflict(e.code(), Msg::new("您还没有签到，不能签退", en))
            }
            AttendanceError::AlreadyCheckedOut => {
                ApiError::conflict(e.code(), Msg::new("您已签退", en))
            }
        }
    }
}

impl From<CorrectionError> for ApiError {
    fn from(e: CorrectionError) -> Self {
        let zh = match e {
            CorrectionError::Reason(linli_domain::text::NoteError::Empty) => {
                "更正考勤须填写原因".to_owned()
            }
            CorrectionError::Reason(_) => "原因不能超过 1000 字，且不能含控制字符".to_owned(),
            CorrectionError::OutWithoutIn => "有签退时间时须有签到时间".to_owned(),
            CorrectionError::Reversed => "签退时间不能早于签到时间".to_owned(),
            CorrectionError::OutsideWindow { .. } => {
                "时间须在活动开始前 30 分钟到结束后 2 小时之间".to_owned()
            }
        };
        let mut err = ApiError::unprocessable(e.code(), Msg::new(zh, e.to_string()));
        if let CorrectionError::OutsideWindow { from, until } = e {
            err = err.with_details(json!({ "from": from, "until": until }));
        }
        err
    }
}
