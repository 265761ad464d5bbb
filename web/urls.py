"""The pages people use, at the site root. The task page is ``/tasks/<id>/``: the e-mails
(``tasks.notices.task_url``) link there. Auth pages keep Django's URL names (no namespace),
since Django's auth views reverse them by those names."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from .forms import OfficePasswordResetForm
from .views import board, calendar, editor, meetings, plans, substitutions, tasks

pages = [
    path("", RedirectView.as_view(pattern_name="web:tasks", query_string=True), name="home"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/result/", tasks.task_result, name="task-result"),
    path("tasks/<int:pk>/result/file/", tasks.task_result_file, name="task-result-file"),
    path("tasks/<int:pk>/result/versions/<int:number>/file/", tasks.task_result_version_file,
         name="task-result-version-file"),
    path("tasks/<int:pk>/transition/", tasks.task_transition, name="task-transition"),
    path("tasks/<int:pk>/hand-over/", tasks.task_hand_over_view, name="task-hand-over"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/new/", editor.plan_new, name="plan-new"),
    path("plans/import/", editor.plan_import, name="plan-import"),
    path("plans/<int:pk>/edit/", editor.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/edit/sessions/", editor.session_save, name="plan-session-add"),
    path("plans/<int:pk>/edit/sessions/<int:session_pk>/", editor.session_save, name="plan-session"),
    path("plans/<int:pk>/edit/sessions/<int:session_pk>/items/", editor.item_save, name="plan-item-add"),
    path("plans/<int:pk>/edit/sessions/<int:session_pk>/items/<int:item_pk>/", editor.item_save,
         name="plan-item"),
    path("plans/<int:pk>/transition/", plans.plan_transition, name="plan-transition"),
    path("items/<int:pk>/transition/", plans.item_transition, name="item-transition"),
    path("overdue/", board.overdue_board, name="overdue"),
    path("substitutions/", substitutions.substitution_list, name="substitutions"),
    path("substitutions/<int:pk>/end/", substitutions.substitution_end_view, name="substitution-end"),
    path("meetings/sessions/<int:pk>/", meetings.session_page, name="meetings-session"),
    path("meetings/sessions/<int:pk>/participants/", meetings.participant_add, name="meetings-participant-add"),
    path("meetings/sessions/<int:pk>/protocol/", meetings.protocol_start, name="meetings-protocol-start"),
    path("meetings/protocols/<int:pk>/", meetings.protocol_page, name="meetings-protocol"),
    path("meetings/protocols/<int:pk>/save/", meetings.protocol_save, name="meetings-protocol-save"),
    path("meetings/protocols/<int:pk>/transition/", meetings.protocol_transition, name="meetings-protocol-transition"),
    path("meetings/assignments/", meetings.assignment_status_page, name="meetings-assignments"),
    path("meetings/assignments/<int:pk>/extend/", meetings.assignment_extend, name="meetings-assignment-extend"),
    path("overdue/remind/", board.overdue_remind, name="overdue-remind"),
    path("my-calendar/", calendar.my_calendar, name="calendar"),
]

auth = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/auth/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(template_name="web/auth/password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/auth/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="web/auth/password_reset_form.html",
            form_class=OfficePasswordResetForm,
            email_template_name="web/email/password_reset_body.txt",
            subject_template_name="web/email/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/auth/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="web/auth/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="web/auth/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

urlpatterns = [*auth, path("", include((pages, "web")))]
