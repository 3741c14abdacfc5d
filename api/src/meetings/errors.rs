//! Meeting errors as the API answers them, with stable codes.

use linli_domain::meeting::{ActionItemError, MeetingError, TitleError};

use crate::error::{ApiError, Msg};
use crate::validation::Problem;

impl Problem for TitleError {
    fn code(&self) -> &'static str {
        match self {
            TitleError::Empty => "required",
            TitleError::TooLong { .. } => "too_long",
            TitleError::ControlCharacter => "invalid_character",
        }
    }
    fn zh(&self) -> String {
        match self {
            TitleError::Empty => "不能为空".into(),
            TitleError::TooLong { max } => format!("不能超过 {max} 个字"),
            TitleError::ControlCharacter => "不能包含换行或控制字符".into(),
        }
    }
}

/// 404 for a meeting that does not exist or that the caller may not see.
pub fn not_found() -> ApiError {
    ApiError::not_found(
        "meeting.not_found",
        Msg::new("会议不存在", "No such meeting"),
    )
}

/// 403 for a meeting the caller sees but does not manage.
pub fn forbidden() -> ApiError {
    ApiError::forbidden(
        "meeting.forbidden",
        Msg::new(
            "只有会议所属范围的社区或街道工作人员可以管理会议",
            "Only staff over the meeting's node may manage it",
        ),
    )
}

fn zh_status(s: &str) -> &'static str {
    match s {
        "scheduled" => "待召开",
        "held" => "已召开",
        "closed" => "已结束",
        _ => "已取消",
    }
}

impl From<MeetingError> for ApiError {
    fn from(e: MeetingError) -> Self {
        match e {
            MeetingError::Finished { status } => ApiError::conflict(
                "meeting.closed",
                Msg::new(
                    format!("会议{}，不能再修改", zh_status(status.as_str())),
                    format!(
                        "The meeting is {}; it can no longer change",
                        status.as_str()
                    ),
                ),
            )
            .with_details(serde_json::json!({ "status": status.as_str() })),
            MeetingError::VersionConflict { expected, current } => ApiError::conflict(
                "meeting.version_conflict",
                Msg::new(
                    "会议已被他人修改，请刷新后重试",
                    "The meeting changed since you read it; reload and retry",
                ),
            )
            .with_details(serde_json::json!({ "expected": expected, "current": current })),
            MeetingError::InvalidTransition { from, action } => ApiError::conflict(
                "meeting.invalid_transition",
                Msg::new(
                    format!("会议当前状态（{}）不允许此操作", zh_status(from.as_str())),
                    format!("Cannot {action} a meeting that is {}", from.as_str()),
                ),
            )
            .with_details(serde_json::json!({ "status": from.as_str(), "action": action })),
            MeetingError::OpenActionItems { open } => ApiError::conflict(
                "meeting.open_action_items",
                Msg::new(
                    format!("还有 {open} 项待办事项未完成"),
                    format!("{open} action items are still open"),
                ),
            )
            .with_details(serde_json::json!({ "open": open })),
        }
    }
}

impl From<ActionItemError> for ApiError {
    fn from(e: ActionItemError) -> Self {
        match e {
            ActionItemError::AlreadyFinished { status } => ApiError::conflict(
                "meeting.action_item_finished",
                Msg::new(
                    "该事项已办结或已撤销",
                    "The action item is already finished",
                ),
            )
            .with_details(serde_json::json!({ "status": status.as_str() })),
        }
    }
}
