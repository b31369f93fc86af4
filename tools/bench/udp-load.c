/*
 * Traffic for the NFQUEUE benchmark, in C so the generator is never what limits the figures:
 *
 *   udp-load sink PORT                      count datagrams until SIGTERM
 *   udp-load flood DST PORT SECONDS SIZE PKTS_PER_FLOW [RATE [SOURCES]]
 *                                           send SIZE-byte datagrams for SECONDS, at RATE per
 *                                           second (0 or absent: as fast as possible); with
 *                                           PKTS_PER_FLOW > 0 a new socket (a new source port,
 *                                           so a new flow for conntrack and rope) every that
 *                                           many datagrams, bound in turn to each address of
 *                                           SOURCES (comma-separated IPv4 addresses) when given,
 *                                           as traffic from many hosts
 *   udp-load echo PORT                      send every datagram back until SIGTERM
 *   udp-load probe DST PORT COUNT RATE      COUNT timestamped probes at RATE per second to an
 *                                           echo; reports round-trip percentiles
 *
 * Every mode prints one JSON line when ready and one with its figures at the end.
 * Compiled by tools/bench/nfqueue.ts: gcc -O2 -o udp-load udp-load.c -lm
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int resolve(const char *host, const char *port, struct sockaddr_storage *ss, socklen_t *len) {
	struct addrinfo hints = {0}, *ai;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	int e = getaddrinfo(host, port, &hints, &ai);
	if (e) {
		fprintf(stderr, "udp-load: %s: %s\n", host, gai_strerror(e));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int bound(int family, int port) {
	int fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udp-load: socket");
		exit(1);
	}
	int big = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (port >= 0) {
		struct sockaddr_storage ss = {0};
		socklen_t len;
		if (family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			a->sin6_family = AF_INET6;
			a->sin6_addr = in6addr_any;
			a->sin6_port = htons(port);
			len = sizeof *a;
			int off = 0;
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			a->sin_family = AF_INET;
			a->sin_addr.s_addr = INADDR_ANY;
			a->sin_port = htons(port);
			len = sizeof *a;
		}
		if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
			perror("udp-load: bind");
			exit(1);
		}
	}
	return fd;
}

/* Binds an unbound IPv4 socket to source address `a` and a port the kernel picks. */
static void from(int fd, struct in_addr a) {
	struct sockaddr_in sin = {0};
	sin.sin_family = AF_INET;
	sin.sin_addr = a;
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		perror("udp-load: bind to a source address");
		exit(1);
	}
}

static void pace(double start, unsigned long long sent, double rate) {
	if (rate <= 0) return;
	double due = start + sent / rate;
	double t = now();
	if (due > t + 0.0002) {
		struct timespec ts = {0, (long)((due - t) * 1e9)};
		nanosleep(&ts, NULL);
	}
}

static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	static char buf[65536];
	if (argc >= 3 && !strcmp(argv[1], "sink")) {
		int fd = bound(AF_INET6, atoi(argv[2]));
		printf("{\"event\":\"ready\"}\n");
		fflush(stdout);
		unsigned long long n = 0, bytes = 0;
		double first = 0, last = 0;
		while (!stop) {
			ssize_t r = recv(fd, buf, sizeof buf, 0);
			if (r < 0) continue;
			last = now();
			if (n == 0) first = last;
			n++;
			bytes += (unsigned long long)r;
		}
		printf("{\"event\":\"stats\",\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.6f}\n", n, bytes, last - first);
		return 0;
	}
	if (argc >= 7 && !strcmp(argv[1], "flood")) {
		struct sockaddr_storage dst;
		socklen_t dlen;
		if (resolve(argv[2], argv[3], &dst, &dlen)) return 1;
		double seconds = atof(argv[4]);
		int size = atoi(argv[5]);
		long per_flow = atol(argv[6]);
		double rate = argc >= 8 ? atof(argv[7]) : 0;
		if (size < 16 || size > 65000) size = 64;
		for (int i = 0; i < size; i++) buf[i] = (char)(i * 131 + 7);
		/* the source addresses new flows take in turn (none: the kernel picks one) */
		static struct in_addr sources[256];
		int nsources = 0;
		if (argc >= 9 && argv[8][0]) {
			char *list = strdup(argv[8]);
			for (char *tok = strtok(list, ","); tok && nsources < 256; tok = strtok(NULL, ",")) {
				if (dst.ss_family != AF_INET || inet_pton(AF_INET, tok, &sources[nsources]) != 1) {
					fprintf(stderr, "udp-load: bad source address %s\n", tok);
					return 1;
				}
				nsources++;
			}
			free(list);
		}
		int fd = bound(dst.ss_family, -1);
		if (nsources > 0) from(fd, sources[0]);
		printf("{\"event\":\"ready\"}\n");
		fflush(stdout);
		unsigned long long sent = 0, failed = 0, flows = 1;
		double start = now(), end = start + seconds;
		while (!stop) {
			if ((sent & 63) == 0 && now() >= end) break;
			if (per_flow > 0 && sent > 0 && sent % per_flow == 0) {
				close(fd);
				fd = bound(dst.ss_family, -1);
				if (nsources > 0) from(fd, sources[flows % nsources]);
				flows++;
			}
			memcpy(buf, &sent, sizeof sent);
			if (sendto(fd, buf, size, 0, (struct sockaddr *)&dst, dlen) < 0) failed++;
			sent++;
			pace(start, sent, rate);
		}
		printf("{\"event\":\"stats\",\"sent\":%llu,\"failed\":%llu,\"flows\":%llu,\"seconds\":%.6f}\n", sent, failed, flows, now() - start);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "echo")) {
		int fd = bound(AF_INET6, atoi(argv[2]));
		printf("{\"event\":\"ready\"}\n");
		fflush(stdout);
		unsigned long long n = 0;
		while (!stop) {
			struct sockaddr_storage from;
			socklen_t flen = sizeof from;
			ssize_t r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
			if (r < 0) continue;
			sendto(fd, buf, r, 0, (struct sockaddr *)&from, flen);
			n++;
		}
		printf("{\"event\":\"stats\",\"echoed\":%llu}\n", n);
		return 0;
	}
	if (argc >= 6 && !strcmp(argv[1], "probe")) {
		struct sockaddr_storage dst;
		socklen_t dlen;
		if (resolve(argv[2], argv[3], &dst, &dlen)) return 1;
		long count = atol(argv[4]);
		double rate = atof(argv[5]);
		int fd = bound(dst.ss_family, -1);
		struct timeval tv = {0, 20000};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		double *rtt = calloc((size_t)count, sizeof *rtt);
		double *sent_at = calloc((size_t)count, sizeof *sent_at);
		long got = 0;
		printf("{\"event\":\"ready\"}\n");
		fflush(stdout);
		double start = now();
		long next = 0;
		/* send on schedule, collect replies as they come (a reply carries its probe number) */
		while (!stop && (next < count || now() < sent_at[count - 1] + 1.0)) {
			if (next < count && now() >= start + next / rate) {
				sent_at[next] = now();
				memcpy(buf, &next, sizeof next);
				sendto(fd, buf, 64, 0, (struct sockaddr *)&dst, dlen);
				next++;
				continue;
			}
			ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
			if (r >= (ssize_t)sizeof(long)) {
				long k;
				memcpy(&k, buf, sizeof k);
				if (k >= 0 && k < next && rtt[k] == 0) {
					rtt[k] = now() - sent_at[k];
					got++;
				}
				continue;
			}
			struct timespec ts = {0, 20000};
			nanosleep(&ts, NULL);
		}
		double *v = malloc(sizeof *v * (size_t)(got ? got : 1));
		long j = 0;
		for (long i = 0; i < count; i++)
			if (rtt[i] > 0) v[j++] = rtt[i] * 1e6;
		qsort(v, (size_t)j, sizeof *v, cmp);
#define PCT(p) (j ? v[(long)fmin((double)j - 1, floor((p) / 100.0 * j))] : 0)
		printf("{\"event\":\"stats\",\"sent\":%ld,\"received\":%ld,\"p50us\":%.1f,\"p90us\":%.1f,\"p99us\":%.1f,\"maxus\":%.1f}\n", count, got, PCT(50), PCT(90),
		       PCT(99), j ? v[j - 1] : 0);
		return 0;
	}
	fprintf(stderr, "usage: udp-load sink PORT | flood DST PORT SECONDS SIZE PKTS_PER_FLOW [RATE] | echo PORT | probe DST PORT COUNT RATE\n");
	return 2;
}
