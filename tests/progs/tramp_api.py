"""activate()/deactivate(): exactly the functions called while active get stubs, and
deactivating from inside a function that runs through a stub is safe."""
import os
import pyperfmap


def before():
    return 1


def during_one():
    return during_two() + 1


def during_two():
    # Switched off from inside a frame that runs through a stub: it returns normally.
    pyperfmap.deactivate()
    return 2


def after():
    return 3


def again():
    return 4


assert not pyperfmap.is_active()
before()
assert pyperfmap.activate() is True
assert pyperfmap.is_active()
assert during_one() == 3
assert not pyperfmap.is_active()
after()
before()
assert pyperfmap.activate() is True   # on again: stubs made before are reused
again()
during_two()
print(os.getpid())
