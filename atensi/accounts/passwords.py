from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """Requires at least one letter and one digit."""

    def validate(self, password, user=None):
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError(
                _("Kata sandi harus memuat huruf dan angka."), code="password_letters_and_digits"
            )

    def get_help_text(self):
        return _("Kata sandi harus memuat huruf dan angka.")
