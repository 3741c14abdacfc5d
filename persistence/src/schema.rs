// One schema for both backends, kept by hand: the SQL types chosen here (BigInt, Text,
// Timestamp, …) mean the same on SQLite and PostgreSQL, which `MultiConnection` needs.

diesel::table! {
    property_companies (id) {
        id -> BigInt,
        name -> Text,
        registered_under_id -> BigInt,
        contact_phone -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    org_nodes (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        kind -> Text,
        name -> Text,
        path -> Text,
        community_id -> Nullable<BigInt>,
        code -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        property_company_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        display_name -> Text,
        openid -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        unionid -> Nullable<Text>,
        phone_enc -> Nullable<Text>,
        phone_masked -> Nullable<Text>,
        phone_hash -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
    }
}

diesel::table! {
    user_roles (id) {
        id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        node_id -> Nullable<BigInt>,
        company_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        first_response_hours -> Integer,
        resolution_days -> Integer,
        default_handler -> Text,
        active -> Bool,
        sort_order -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    requests (id) {
        id -> BigInt,
        community_id -> BigInt,
        category_id -> BigInt,
        building_id -> BigInt,
        compound_id -> BigInt,
        household_id -> Nullable<BigInt>,
        building_path -> Text,
        channel -> Text,
        status -> Text,
        queue_level -> Text,
        submitted_by -> BigInt,
        submitted_at -> Timestamp,
        description -> Text,
        location_text -> Nullable<Text>,
        photo_urls -> Text,
        contact_phone_enc -> Nullable<Text>,
        contact_phone_masked -> Nullable<Text>,
        assignee_user_id -> Nullable<BigInt>,
        assignee_company_id -> Nullable<BigInt>,
        first_response_due -> Timestamp,
        resolution_due -> Timestamp,
        responded_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        closed_at -> Nullable<Timestamp>,
        rating -> Nullable<Text>,
        reopen_count -> Integer,
        pending_extension_days -> Nullable<Integer>,
        extension_days -> Integer,
        overdue_at -> Nullable<Timestamp>,
        supervise_count -> Integer,
        version -> Integer,
        updated_at -> Timestamp,
        content_review -> Text,
        text_review -> Text,
    }
}

diesel::table! {
    request_events (id) {
        id -> BigInt,
        request_id -> BigInt,
        community_id -> BigInt,
        kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        note -> Nullable<Text>,
        data -> Text,
        status_after -> Text,
        created_at -> Timestamp,
        note_review -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        event_id -> Nullable<BigInt>,
        community_id -> BigInt,
        topic -> Text,
        payload -> Text,
        created_at -> Timestamp,
        processed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        user_id -> BigInt,
        idem_key -> Text,
        request_hash -> Text,
        request_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    request_photos (id) {
        id -> BigInt,
        request_id -> BigInt,
        community_id -> BigInt,
        position -> Integer,
        url -> Text,
        status -> Text,
        trace_id -> Nullable<Text>,
        label -> Nullable<BigInt>,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        checked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_roles -> org_nodes (node_id));
diesel::joinable!(requests -> categories (category_id));
diesel::joinable!(request_events -> requests (request_id));
diesel::joinable!(request_photos -> requests (request_id));

diesel::allow_tables_to_appear_in_same_query!(
    property_companies,
    org_nodes,
    users,
    user_roles,
    refresh_tokens,
    categories,
    requests,
    request_events,
    outbox,
    idempotency_keys,
    notifications,
    request_photos,
);

diesel::table! {
    household_bindings (id) {
        id -> BigInt,
        user_id -> BigInt,
        household_id -> BigInt,
        household_path -> Text,
        community_id -> BigInt,
        status -> Text,
        note -> Nullable<Text>,
        reason -> Nullable<Text>,
        requested_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        role_id -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        left_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        request_id -> BigInt,
        community_id -> BigInt,
        recipient_id -> BigInt,
        kind -> Text,
        dedup -> Text,
        template_id -> Text,
        page -> Text,
        data -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claim -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_errcode -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_attempts (id) {
        id -> BigInt,
        notification_id -> BigInt,
        attempted_at -> Timestamp,
        outcome -> Text,
        errcode -> Nullable<BigInt>,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    partners (id) {
        id -> BigInt,
        name -> Text,
        scope_node_id -> BigInt,
        scope_path -> Text,
        status -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    partner_keys (id) {
        id -> BigInt,
        partner_id -> BigInt,
        key_id -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        partner_id -> BigInt,
        url -> Text,
        description -> Text,
        event_types -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        disabled_at -> Nullable<Timestamp>,
        secret_enc -> Text,
        previous_secret_enc -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        failing_since -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_messages (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        msg_id -> Text,
        outbox_id -> BigInt,
        request_id -> Nullable<BigInt>,
        event_type -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claim -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        message_id -> BigInt,
        attempted_at -> Timestamp,
        outcome -> Text,
        status_code -> Nullable<Integer>,
        latency_ms -> BigInt,
        error -> Nullable<Text>,
        response_excerpt -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_endpoints -> partners (partner_id));
diesel::joinable!(webhook_messages -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_attempts -> webhook_messages (message_id));

diesel::allow_tables_to_appear_in_same_query!(
    partners,
    webhook_endpoints,
    webhook_messages,
    webhook_attempts,
    outbox,
);

diesel::table! {
    partner_inbound (partner_id) {
        partner_id -> BigInt,
        user_id -> BigInt,
        secret_enc -> Nullable<Text>,
        created_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    partner_submissions (id) {
        id -> BigInt,
        partner_id -> BigInt,
        external_id -> Text,
        request_id -> BigInt,
        body_hash -> Text,
        external_submitted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    partner_inbound_messages (id) {
        id -> BigInt,
        partner_id -> BigInt,
        message_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    household_profiles (household_id) {
        household_id -> BigInt,
        community_id -> BigInt,
        household_path -> Text,
        unit -> Text,
        room -> Text,
        size -> Integer,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    registry_residents (id) {
        id -> BigInt,
        household_id -> BigInt,
        community_id -> BigInt,
        household_path -> Text,
        name_enc -> Text,
        name_masked -> Text,
        name_hash -> Text,
        relation -> Text,
        birth_year -> Nullable<Integer>,
        phone_enc -> Nullable<Text>,
        phone_masked -> Nullable<Text>,
        phone_hash -> Nullable<Text>,
        user_id -> Nullable<BigInt>,
        anonymised_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        removed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    care_tags (id) {
        id -> BigInt,
        household_id -> BigInt,
        resident_id -> Nullable<BigInt>,
        community_id -> BigInt,
        household_path -> Text,
        tag -> Text,
        consent_method -> Text,
        consent_by_resident_id -> Nullable<BigInt>,
        consent_at -> Timestamp,
        recorded_by -> BigInt,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        removed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    registry_access_log (id) {
        id -> BigInt,
        community_id -> BigInt,
        household_path -> Text,
        actor_user_id -> BigInt,
        capacity -> Text,
        household_id -> BigInt,
        resident_id -> Nullable<BigInt>,
        fields -> Text,
        purpose -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    household_profiles,
    registry_residents,
    care_tags,
    registry_access_log,
    org_nodes,
);

diesel::table! {
    butler_teams (id) {
        id -> BigInt,
        community_id -> BigInt,
        name -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        dissolved_at -> Nullable<Timestamp>,
        dissolved_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    butler_team_building_history (id) {
        id -> BigInt,
        team_id -> BigInt,
        building_id -> BigInt,
        building_path -> Text,
        added_at -> Timestamp,
        added_by -> Nullable<BigInt>,
        removed_at -> Nullable<Timestamp>,
        removed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    butler_team_buildings (building_id) {
        building_id -> BigInt,
        team_id -> BigInt,
        building_path -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    butler_members (id) {
        id -> BigInt,
        team_id -> BigInt,
        community_id -> BigInt,
        user_id -> Nullable<BigInt>,
        display_name -> Text,
        kind -> Text,
        duties -> Text,
        leader -> Bool,
        work_phone -> Nullable<Text>,
        joined_at -> Timestamp,
        joined_by -> Nullable<BigInt>,
        left_at -> Nullable<Timestamp>,
        left_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    butler_member_roles (member_id, building_id) {
        member_id -> BigInt,
        building_id -> BigInt,
        role_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    work_logs (id) {
        id -> BigInt,
        community_id -> BigInt,
        building_id -> BigInt,
        building_path -> Text,
        household_id -> Nullable<BigInt>,
        kind -> Text,
        author_id -> BigInt,
        occurred_at -> Timestamp,
        summary -> Text,
        concerns -> Nullable<Text>,
        text_review -> Text,
        place -> Nullable<Text>,
        hazard_kind -> Nullable<Text>,
        severity -> Nullable<Text>,
        photo_urls -> Text,
        fixed_on_spot -> Bool,
        request_id -> Nullable<BigInt>,
        converted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        idempotency_key -> Nullable<Text>,
        idempotency_hash -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    butler_teams,
    butler_team_buildings,
    butler_members,
    butler_member_roles,
    work_logs,
    org_nodes,
    butler_team_building_history,
);

diesel::table! {
    meetings (id) {
        id -> BigInt,
        community_id -> BigInt,
        org_node_id -> BigInt,
        node_path -> Text,
        kind -> Text,
        status -> Text,
        title -> Text,
        starts_at -> Timestamp,
        place -> Text,
        organiser_id -> BigInt,
        agenda -> Nullable<Text>,
        minutes -> Nullable<Text>,
        held_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        finished_at -> Nullable<Timestamp>,
        version -> Integer,
        idempotency_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        idempotency_hash -> Nullable<Text>,
    }
}

diesel::table! {
    meeting_participants (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        community_id -> BigInt,
        role -> Text,
        user_id -> Nullable<BigInt>,
        party_name -> Nullable<Text>,
        party_organisation -> Nullable<Text>,
        party_kind -> Nullable<Text>,
        contact_phone_enc -> Nullable<Text>,
        contact_phone_masked -> Nullable<Text>,
        attended -> Nullable<Bool>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meeting_requests (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        request_id -> BigInt,
        community_id -> BigInt,
        linked_by -> BigInt,
        linked_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    meeting_resolutions (id) {
        id -> BigInt,
        meeting_id -> BigInt,
        community_id -> BigInt,
        text -> Text,
        decided_at -> Timestamp,
        resolves_requests -> Bool,
        agreement_parties -> Nullable<Text>,
        agreement_text -> Nullable<Text>,
        agreement_signed_on -> Nullable<Date>,
        agreement_url -> Nullable<Text>,
        settled_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meeting_action_items (id) {
        id -> BigInt,
        resolution_id -> BigInt,
        meeting_id -> BigInt,
        community_id -> BigInt,
        title -> Text,
        owner_user_id -> Nullable<BigInt>,
        owner_name -> Nullable<Text>,
        due_on -> Date,
        status -> Text,
        note -> Nullable<Text>,
        finished_by -> Nullable<BigInt>,
        finished_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    meetings,
    meeting_participants,
    meeting_requests,
    meeting_resolutions,
    meeting_action_items,
);

diesel::table! {
    volunteers (id) {
        id -> BigInt,
        user_id -> BigInt,
        community_id -> BigInt,
        community_path -> Text,
        kind -> Text,
        skills -> Text,
        intro -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        role_id -> Nullable<BigInt>,
        balance -> BigInt,
        applied_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    points_rules (community_id) {
        community_id -> BigInt,
        per_hour -> BigInt,
        per_activity -> BigInt,
        per_request -> BigInt,
        multipliers -> Text,
        basically_satisfied_share -> Integer,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
        expire_after_days -> Nullable<Integer>,
    }
}

diesel::table! {
    points_entries (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        community_id -> BigInt,
        kind -> Text,
        amount -> BigInt,
        balance_after -> BigInt,
        idem_key -> Nullable<Text>,
        reason -> Nullable<Text>,
        minutes -> Nullable<BigInt>,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rewards (id) {
        id -> BigInt,
        community_id -> BigInt,
        community_path -> Text,
        name -> Text,
        kind -> Text,
        description -> Nullable<Text>,
        provider -> Nullable<Text>,
        price -> BigInt,
        stock_total -> Nullable<BigInt>,
        stock_left -> Nullable<BigInt>,
        per_person_limit -> Nullable<Integer>,
        valid_from -> Nullable<Timestamp>,
        valid_until -> Nullable<Timestamp>,
        active -> Bool,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    redemptions (id) {
        id -> BigInt,
        reward_id -> BigInt,
        volunteer_id -> BigInt,
        community_id -> BigInt,
        community_path -> Text,
        points -> BigInt,
        status -> Text,
        idempotency_key -> Nullable<Text>,
        created_at -> Timestamp,
        fulfilled_at -> Nullable<Timestamp>,
        fulfilled_by -> Nullable<BigInt>,
        cancelled_at -> Nullable<Timestamp>,
        cancelled_by -> Nullable<BigInt>,
        cancel_reason -> Nullable<Text>,
    }
}

diesel::joinable!(points_entries -> volunteers (volunteer_id));
diesel::joinable!(redemptions -> volunteers (volunteer_id));
diesel::joinable!(redemptions -> rewards (reward_id));

diesel::allow_tables_to_appear_in_same_query!(
    volunteers,
    points_rules,
    points_entries,
    rewards,
    redemptions,
    users,
);

diesel::table! {
    registry_resident_keys (id) {
        id -> BigInt,
        author_id -> BigInt,
        idem_key -> Text,
        body_hash -> Nullable<Text>,
        household_id -> BigInt,
        resident_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        community_id -> BigInt,
        community_path -> Text,
        title -> Text,
        description -> Nullable<Text>,
        organiser -> Text,
        partners -> Text,
        place -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        signup_deadline -> Timestamp,
        capacity -> Integer,
        required_skills -> Text,
        points_per_hour -> Nullable<BigInt>,
        points_per_activity -> Nullable<BigInt>,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        version -> BigInt,
        idempotency_key -> Nullable<Text>,
        idempotency_hash -> Nullable<Text>,
    }
}

diesel::table! {
    activity_signups (id) {
        id -> BigInt,
        activity_id -> BigInt,
        volunteer_id -> BigInt,
        community_id -> BigInt,
        status -> Text,
        signed_up_at -> Timestamp,
        promoted_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    activity_attendance (activity_id, volunteer_id) {
        activity_id -> BigInt,
        volunteer_id -> BigInt,
        checked_in_at -> Nullable<Timestamp>,
        checked_out_at -> Nullable<Timestamp>,
        corrected_by -> Nullable<BigInt>,
        corrected_at -> Nullable<Timestamp>,
        correction_reason -> Nullable<Text>,
        minutes -> Nullable<BigInt>,
        points -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(activity_signups -> activities (activity_id));
diesel::joinable!(activity_attendance -> activities (activity_id));
diesel::joinable!(activity_signups -> volunteers (volunteer_id));

diesel::allow_tables_to_appear_in_same_query!(activities, activity_signups, activity_attendance);
diesel::allow_tables_to_appear_in_same_query!(activity_signups, volunteers);
diesel::allow_tables_to_appear_in_same_query!(activity_signups, users);
diesel::allow_tables_to_appear_in_same_query!(activity_attendance, volunteers);
diesel::allow_tables_to_appear_in_same_query!(activity_attendance, users);
