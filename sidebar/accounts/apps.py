from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sidebar.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import authentication_step_completed
        from django.contrib.auth.signals import user_logged_in

        from sidebar.accounts.reauthentication import rotate_on_reauthentication
        from sidebar.accounts.sign_in_traces import keep_days_only, note_first_sign_in

        # Registered under django.contrib.auth's own dispatch_uid, before its ready() runs (this
        # app comes first in INSTALLED_APPS): auth's update_last_login, which would write the
        # moment of every sign-in, is then never connected. tests/accounts checks the row.
        user_logged_in.connect(note_first_sign_in, dispatch_uid="update_last_login")
        keep_days_only()
        # V7.2.4: a proof given again gets a new session key, as a sign-in does
        authentication_step_completed.connect(rotate_on_reauthentication, dispatch_uid="sidebar_rotate_on_reauth")
        # V6.3.3: a passkey is offered at each sign-in of an account without one
        from allauth.mfa.signals import authenticator_added

        from sidebar.accounts.passkeys import offer_at_sign_in, stop_offering

        user_logged_in.connect(offer_at_sign_in, dispatch_uid="sidebar_offer_passkey")
        authenticator_added.connect(stop_offering, dispatch_uid="sidebar_stop_offering_passkey")
