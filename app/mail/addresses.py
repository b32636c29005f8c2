"""E-mail address checks shared by forms, services and the mail gateway."""
from email_validator import EmailNotValidError, validate_email


def normalize_address(value: str) -> str:
    """The address in its canonical form (domain lower-cased), or ValueError with the reason.

    No DNS look-up: a provider's clients may use internal mail domains, and
    tests use the reserved ``.test`` domain.
    """
    try:
        checked = validate_email((value or "").strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None
    return checked.normalized
