from atensi.accounts.access import can_read_audit, can_read_registry, can_write_registry


def access(request):
    """What the signed-in user may open, so menus show only that."""
    user = request.user
    return {
        "can": {
            "read_registry": can_read_registry(user),
            "write_registry": can_write_registry(user),
            "read_audit": can_read_audit(user),
        }
    }
