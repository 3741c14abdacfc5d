//! The request rules' refusals as API errors.

use linli_domain::request::{SubmitError, TransitionError};

use crate::error::{ApiError, Msg};

/// The request does not exist or the actor may not see it: the same answer for both.
pub fn not_found() -> ApiError {
    ApiError::not_found(
        "request.not_found",
        Msg::new("诉求不存在", "No such request"),
    )
}

impl From<TransitionError> for ApiError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::Forbidden => ApiError::forbidden(
                "request.forbidden",
                Msg::new(
                    "您无权对该诉求执行此操作",
                    "You may not do this to this request",
                ),
            ),
            TransitionError::InvalidTransition { from, action } => ApiError::conflict(
                "request.invalid_transition",
                Msg::new(
                    format!("诉求当前状态（{}）不允许此操作", zh_status(from.as_str())),
                    format!("Cannot {action} a request that is {}", from.as_str()),
                ),
            )
            .with_details(serde_json::json!({ "status": from.as_str(), "action": action })),
            TransitionError::ExtensionAlreadyPending => ApiError::conflict(
                "request.extension_pending",
                Msg::new(
                    "已有延期申请待审批",
                    "An extension is already waiting for a decision",
                ),
            ),
            TransitionError::NoPendingExtension => ApiError::conflict(
                "request.no_pending_extension",
                Msg::new(
                    "没有待审批的延期申请",
                    "No extension is waiting for a decision",
                ),
            ),
            TransitionError::InvalidExtensionDays { min, max } => {
                ApiError::validation(vec![crate::error::FieldError::new(
                    "days",
                    "out_of_range",
                    Msg::new(
                        format!("延期天数应为 {min} 到 {max} 天"),
                        format!("An extension is {min} to {max} days"),
                    ),
                )])
            }
            TransitionError::NotOverdue => ApiError::conflict(
                "request.not_overdue",
                Msg::new("该诉求未超期，无需督办", "The request is not overdue"),
            ),
        }
    }
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::CategoryInactive => ApiError::unprocessable(
                "category.inactive",
                Msg::new(
                    "该服务类别已停用",
                    "This service category takes no new requests",
                ),
            ),
            SubmitError::ChannelNotAllowed => ApiError::forbidden(
                "request.channel_forbidden",
                Msg::new(
                    "您不能通过该渠道为此楼栋登记诉求",
                    "You may not submit through this channel for this building",
                ),
            ),
            // Unknown buildings get the same answer: a partner learns nothing outside its scope.
            SubmitError::OutOfScope => crate::requests::partner_inbound::out_of_scope(),
        }
    }
}

/// A status in Chinese, for messages.
pub fn zh_status(s: &str) -> &'static str {
    match s {
        "submitted" => "待派单",
        "escalated" => "已上报",
        "dispatched" => "已派单",
        "claimed" => "已接单",
        "in_progress" => "处理中",
        "resolved" => "已办结",
        "closed" => "已关闭",
        _ => "未知",
    }
}
