/* A syscall hooked in each read-hook variant: its tracepoints (hook "tracepoint"), fentry and
 * fexit on its wrapper (hook "fentry"), or a kprobe and kretprobe there (hook "kprobe"). Every
 * variant calls one handler pair: `enter(args)` with the syscall's arguments and
 * `leave(ret)` with its return. User space loads the variant of the chosen hook only. */
#ifndef READTRACE_LIB_SYSCALL_HOOKS_H
#define READTRACE_LIB_SYSCALL_HOOKS_H

#include "lib/shared.bpf.h"

/* The syscall wrappers (CONFIG_ARCH_HAS_SYSCALL_WRAPPER): each takes the user's registers. */
#if defined(__TARGET_ARCH_arm64)
#define SYSCALL_WRAPPER(name) "__arm64_sys_" #name
#else
#define SYSCALL_WRAPPER(name) "__x64_sys_" #name
#endif

/* The arguments the handlers get: the first five (none needs a sixth). */
#define SYSCALL_ARGS 5

/* The arguments as the tracepoint has them. Copied first, one constant offset each: the
 * verifier refuses the handlers' variable offsets into a tracepoint's context, and a loop's
 * moving pointer into it. */
static __always_inline void syscall_args_of_tracepoint(struct trace_event_raw_sys_enter *ctx, unsigned long *args)
{
	args[0] = ctx->args[0];
	args[1] = ctx->args[1];
	args[2] = ctx->args[2];
	args[3] = ctx->args[3];
	args[4] = ctx->args[4];
}

/* The arguments from the user registers the wrapper was given, copied whole: kernel_types.h
 * declares pt_regs with user-space names, which CO-RE cannot relocate. */
static __always_inline void syscall_args_of_regs(struct pt_regs *kernel_regs, unsigned long *args)
{
	struct pt_regs regs;

	bpf_probe_read_kernel(&regs, sizeof(regs), kernel_regs);
	args[0] = PT_REGS_PARM1_SYSCALL(&regs);
	args[1] = PT_REGS_PARM2_SYSCALL(&regs);
	args[2] = PT_REGS_PARM3_SYSCALL(&regs);
	args[3] = PT_REGS_PARM4_SYSCALL(&regs);
	args[4] = PT_REGS_PARM5_SYSCALL(&regs);
}

#define SYSCALL_HOOKS(name, enter, leave)                                                                              \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                                                    \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)                                                        \
	{                                                                                                              \
		unsigned long args[SYSCALL_ARGS];                                                                      \
		syscall_args_of_tracepoint(ctx, args);                                                                 \
		enter(args);                                                                                           \
		return 0;                                                                                              \
	}                                                                                                              \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                                                     \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                                                          \
	{                                                                                                              \
		leave(ctx->ret);                                                                                       \
		return 0;                                                                                              \
	}                                                                                                              \
	SEC("fentry/" SYSCALL_WRAPPER(name))                                                                           \
	int BPF_PROG(fentry_sys_##name, struct pt_regs *regs)                                                          \
	{                                                                                                              \
		unsigned long args[SYSCALL_ARGS];                                                                      \
		syscall_args_of_regs(regs, args);                                                                      \
		enter(args);                                                                                           \
		return 0;                                                                                              \
	}                                                                                                              \
	SEC("fexit/" SYSCALL_WRAPPER(name))                                                                            \
	int BPF_PROG(fexit_sys_##name, struct pt_regs *regs, long ret)                                                 \
	{                                                                                                              \
		leave(ret);                                                                                            \
		return 0;                                                                                              \
	}                                                                                                              \
	SEC("kprobe/" SYSCALL_WRAPPER(name))                                                                           \
	int BPF_KPROBE(kprobe_sys_##name, struct pt_regs *regs)                                                        \
	{                                                                                                              \
		unsigned long args[SYSCALL_ARGS];                                                                      \
		syscall_args_of_regs(regs, args);                                                                      \
		enter(args);                                                                                           \
		return 0;                                                                                              \
	}                                                                                                              \
	SEC("kretprobe/" SYSCALL_WRAPPER(name))                                                                        \
	int BPF_KRETPROBE(kretprobe_sys_##name, long ret)                                                              \
	{                                                                                                              \
		leave(ret);                                                                                            \
		return 0;                                                                                              \
	}

#endif
