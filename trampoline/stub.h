/*
 * The machine code of one trampoline stub: the only per-architecture part.
 *
 * Each Python code object gets its own copy of this code at its own address, so a
 * sampled instruction pointer (or a return address on the stack) inside it names the
 * Python function. Its C equivalent:
 *
 *	PyObject *stub(PyThreadState *ts, void *frame, int throwflag, eval_fn eval)
 *	{
 *		return eval(ts, frame, throwflag);
 *	}
 *
 * but with a fixed frame that keeps the frame pointer chain intact, so unwinders
 * (the kernel's -g walk, pyperfmap's own) can step through it to the caller:
 *
 *	push %rbp            ; 55        the caller's rbp, where a frame walk expects it
 *	mov  %rsp,%rbp       ; 48 89 e5
 *	call *%rcx           ; ff d1     the 4th argument: the real eval function
 *	pop  %rbp            ; 5d
 *	ret                  ; c3
 *
 * Stack alignment: rsp is 8 mod 16 on entry, 0 after the push, so the eval function
 * is entered with the ABI's alignment.
 */
#ifndef PPM_TRAMPOLINE_STUB_H
#define PPM_TRAMPOLINE_STUB_H

#if defined(__x86_64__)
static const unsigned char ppm_stub_code[] = {
	0x55, 0x48, 0x89, 0xe5, 0xff, 0xd1, 0x5d, 0xc3,
	/* padding up to the stub size: int3, never executed */
	0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
};
#define PPM_STUB_SIZE 16
/* Bytes of code that belong to the function (what the perf map line says). */
#define PPM_STUB_CODE_SIZE 8
#else
#error "pyperfmap's trampoline has a stub for x86-64 only; add this architecture's here"
#endif

#endif
