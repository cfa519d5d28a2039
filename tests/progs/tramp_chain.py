"""pyperfmap chains to a PEP 523 hook installed before it, and gives it back."""
import os
import ppm_testhook
import pyperfmap


def f():
    return 1


def g():
    return 2


ppm_testhook.install()
f()
c0 = ppm_testhook.count()
assert c0 >= 1, c0
assert pyperfmap.activate() is True
assert not ppm_testhook.is_installed()      # ours sits on top...
for _ in range(100000):
    g()
c1 = ppm_testhook.count()
# ...and the earlier hook still sees every frame: on 3.11+ no call was inlined past us.
assert c1 >= c0 + 100000, (c0, c1)
pyperfmap.deactivate()
assert ppm_testhook.is_installed()          # given back
g()
assert ppm_testhook.count() > c1
ppm_testhook.uninstall()
print(os.getpid())
