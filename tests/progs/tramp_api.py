"""activate()/deactivate(): exactly the functions called while active get stubs."""
import os
import pyperfmap


def before():
    return 1


def during_one():
    return during_two() + 1


def during_two():
    return 2


def after():
    return 3


assert not pyperfmap.is_active()
before()
assert pyperfmap.activate() is True
assert pyperfmap.is_active()
during_one()
pyperfmap.deactivate()
assert not pyperfmap.is_active()
after()
before()
print(os.getpid())
