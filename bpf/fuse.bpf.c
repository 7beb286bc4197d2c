// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* FUSE daemons: which process serves which FUSE filesystem, so that the daemon's reads of the
 * files behind a filesystem a traced process reads are traced too (lib/fuse.bpf.h). */
#include "lib/announce.bpf.h"
#include "lib/emit.bpf.h"
#include "lib/fuse.bpf.h"

/* A request ends when its daemon writes the answer to /dev/fuse, in the daemon's context (6.15+).
 * Every daemon is noted, from the requests an open makes (lookup, open) before any read; it is
 * named to user space as serving a filesystem once a traced process reads that filesystem. */
SEC("tp_btf/fuse_request_end")
int BPF_PROG(note_fuse_daemon, struct fuse_req *req)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct fuse_daemon noted = { .dev = BPF_CORE_READ(req, fm, sb, s_dev) };
	struct fuse_daemon *daemon;
	struct rt_fuse_daemon_event *event;

	if (tgid == self_tgid || tgid == 0)
		return 0;
	daemon = bpf_map_lookup_elem(&fuse_daemons, &tgid);
	if (!daemon) {
		bpf_map_update_elem(&fuse_daemons, &tgid, &noted, BPF_ANY);
		daemon = bpf_map_lookup_elem(&fuse_daemons, &tgid);
		if (!daemon)
			return 0;
	}
	daemon->dev = noted.dev;
	if (daemon->announced_dev == noted.dev || !bpf_map_lookup_elem(&traced_fuse_filesystems, &noted.dev))
		return 0;
	event = reserve_event(sizeof(*event));
	if (!event)
		return 0;
	event->kind = RT_EVENT_FUSE_DAEMON;
	event->tgid = tgid;
	event->dev = noted.dev;
	event->reserved = 0;
	bpf_ringbuf_submit(event, wakeup_flags());
	announce_process(tgid);
	daemon->announced_dev = noted.dev;
	return 0;
}
