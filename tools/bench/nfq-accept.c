/*
 * The peer of `rope run` in the NFQUEUE benchmark: the smallest useful NFQUEUE consumer, as
 * libnetfilter_queue's own example writes it — bind a queue, copy whole packets, accept each
 * packet with one verdict. No classification at all: it measures what the kernel round trip
 * costs from C, so the gap to rope run is rope's own work plus Node.
 *
 *   nfq-accept QUEUE [--gso] [--fail-open] [--maxlen N] [--batch]
 *
 * --batch answers with one NFQNL_MSG_VERDICT_BATCH per receive burst instead (what rope run
 * does). Prints {"event":"ready"} once bound, and {"event":"stats","packets":N,...} on SIGTERM.
 * Compiled by tools/bench/nfqueue.ts:  gcc -O2 -o nfq-accept nfq-accept.c -lnetfilter_queue -lnfnetlink
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

static volatile sig_atomic_t stop;
static unsigned long long packets, bytes, enobufs, batches;
static int use_batch;
static uint32_t last_id;
static int pending;

static void on_signal(int sig) { (void)sig; stop = 1; }

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
	(void)msg;
	(void)data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id = ph ? ntohl(ph->packet_id) : 0;
	unsigned char *payload;
	int len = nfq_get_payload(nfa, &payload);
	packets++;
	if (len > 0) bytes += (unsigned long long)len;
	if (use_batch) {
		last_id = id;
		pending = 1;
		return 0;
	}
	return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: nfq-accept QUEUE [--gso] [--fail-open] [--maxlen N] [--batch]\n");
		return 2;
	}
	int queue = atoi(argv[1]);
	uint32_t flags = 0;
	long maxlen = -1;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--gso")) flags |= NFQA_CFG_F_GSO;
		else if (!strcmp(argv[i], "--fail-open")) flags |= NFQA_CFG_F_FAIL_OPEN;
		else if (!strcmp(argv[i], "--batch")) use_batch = 1;
		else if (!strcmp(argv[i], "--maxlen") && i + 1 < argc) maxlen = atol(argv[++i]);
		else {
			fprintf(stderr, "nfq-accept: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	struct nfq_handle *h = nfq_open();
	if (!h) {
		perror("nfq-accept: nfq_open");
		return 1;
	}
	struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue, &on_packet, NULL);
	if (!qh) {
		fprintf(stderr, "nfq-accept: binding queue %d failed: %s\n", queue, strerror(errno));
		return 1;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 0xffff) < 0) {
		perror("nfq-accept: nfq_set_mode");
		return 1;
	}
	if (maxlen > 0 && nfq_set_queue_maxlen(qh, (uint32_t)maxlen) < 0) perror("nfq-accept: nfq_set_queue_maxlen");
	if (nfq_set_queue_flags(qh, NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN, flags) < 0) perror("nfq-accept: nfq_set_queue_flags");
	/* the same receive buffer rope run asks for (capped by net.core.rmem_max) */
	nfnl_rcvbufsiz(nfq_nfnlh(h), 8 << 20);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: recv returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("{\"event\":\"ready\",\"queue\":%d}\n", queue);
	fflush(stdout);

	int fd = nfq_fd(h);
	static char buf[256 * 1024] __attribute__((aligned));
	while (!stop) {
		int rv = recv(fd, buf, sizeof buf, 0);
		if (rv < 0) {
			if (errno == ENOBUFS) {
				enobufs++;
				continue;
			}
			if (errno == EINTR) continue;
			perror("nfq-accept: recv");
			break;
		}
		nfq_handle_packet(h, buf, rv);
		/* a burst: keep reading what is already there before answering it */
		if (use_batch) {
			for (;;) {
				rv = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
				if (rv <= 0) break;
				nfq_handle_packet(h, buf, rv);
			}
			if (pending) {
				nfq_set_verdict_batch(qh, last_id, NF_ACCEPT);
				batches++;
				pending = 0;
			}
		}
	}
	nfq_destroy_queue(qh);
	nfq_close(h);
	printf("{\"event\":\"stats\",\"packets\":%llu,\"bytes\":%llu,\"overruns\":%llu,\"batches\":%llu}\n", packets, bytes, enobufs, batches);
	return 0;
}
