/* bench/netdelay.c - holds every packet of one NFQUEUE queue for DELAY_MS before accepting it.
 *
 * Why it exists: the network drill of bench/drill.sh delays the link to PostgreSQL with `tc netem`,
 * but some kernels (this sandbox's among them) are built without netem (CONFIG_NET_SCH_NETEM unset:
 * "Specified qdisc kind is unknown"). There the drill sends the link's packets, in its network
 * namespace, to an NFQUEUE queue (iptables ... -j NFQUEUE), and this program gives each one its
 * ACCEPT verdict DELAY_MS after it was queued. The delay is the same for every packet, so the
 * packets leave in the order they came (FIFO). Loss is a separate kernel rule (iptables -m statistic).
 *
 * Usage (in the namespace): netdelay QUEUE_NUM DELAY_MS. Prints "ready" once bound to the queue.
 * SIGTERM: accepts what it still holds at once, prints its counts, and exits; a held packet is never
 * dropped by its stop (the kernel would drop those left in the queue of a dead listener). SIGINT is
 * left alone: a Ctrl-C of the drill must not end it before the drill has removed the queue rules,
 * which would cut the link (packets queued with no listener are dropped).
 *
 * Built by bench/drill.sh: gcc -O2 -o target/drill/netdelay bench/netdelay.c -lnetfilter_queue -lnfnetlink
 * (Debian's libnetfilter-queue-dev).
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define MAX_HELD 16384 /* the kernel's queue length too: far above 20 ms of the drill's traffic */

static uint32_t held_id[MAX_HELD];
static uint64_t held_due_ns[MAX_HELD];
static size_t head, count;
static uint64_t delay_ns, queued, overflowed;
static volatile sig_atomic_t stopping;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)msg;
  (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (ph == NULL) return 0;
  uint32_t id = ntohl(ph->packet_id);
  queued++;
  if (count == MAX_HELD) { /* cannot happen below MAX_HELD packets in flight; pass it on undelayed */
    overflowed++;
    return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
  }
  size_t tail = (head + count) % MAX_HELD;
  held_id[tail] = id;
  held_due_ns[tail] = now_ns() + delay_ns;
  count++;
  return 0;
}

/* Accepts the held packets due by UPTO_NS, oldest first. */
static void release(struct nfq_q_handle *qh, uint64_t upto_ns) {
  while (count > 0 && held_due_ns[head] <= upto_ns) {
    nfq_set_verdict(qh, held_id[head], NF_ACCEPT, 0, NULL);
    head = (head + 1) % MAX_HELD;
    count--;
  }
}

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s QUEUE_NUM DELAY_MS\n", argv[0]);
    return 2;
  }
  int queue_num = atoi(argv[1]);
  delay_ns = (uint64_t)(atof(argv[2]) * 1e6);

  struct nfq_handle *h = nfq_open();
  if (h == NULL) { perror("netdelay: nfq_open"); return 1; }
  struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue_num, &on_packet, NULL);
  if (qh == NULL) { perror("netdelay: nfq_create_queue"); return 1; }
  /* Only the packet's id is needed, not its bytes; GSO packets are held whole, as netem holds them. */
  if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) { perror("netdelay: nfq_set_mode"); return 1; }
  nfq_set_queue_maxlen(qh, MAX_HELD);
  nfq_set_queue_flags(qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO);
  nfnl_rcvbufsiz(nfq_nfnlh(h), 8 << 20);
  int fd = nfq_fd(h);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: ppoll returns at once */
  sigaction(SIGTERM, &sa, NULL);
  printf("ready\n");
  fflush(stdout);

  char buf[65536] __attribute__((aligned));
  uint64_t lost_messages = 0;
  while (!stopping) {
    struct timespec wait, *timeout = NULL;
    if (count > 0) {
      uint64_t now = now_ns(), due = held_due_ns[head];
      uint64_t left = due > now ? due - now : 0;
      wait.tv_sec = (time_t)(left / 1000000000u);
      wait.tv_nsec = (long)(left % 1000000000u);
      timeout = &wait;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (ppoll(&p, 1, timeout, NULL) < 0 && errno != EINTR) { perror("netdelay: ppoll"); break; }
    for (;;) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n > 0) { nfq_handle_packet(h, buf, (int)n); continue; }
      if (n < 0 && errno == ENOBUFS) { lost_messages++; continue; } /* the kernel dropped some */
      break;
    }
    release(qh, now_ns());
  }
  release(qh, UINT64_MAX);
  fprintf(stderr, "netdelay: queue %d: %llu packets held %.1f ms; %llu past %d held, passed undelayed; "
          "%llu receive overflows\n", queue_num, (unsigned long long)queued, delay_ns / 1e6,
          (unsigned long long)overflowed, MAX_HELD, (unsigned long long)lost_messages);
  nfq_destroy_queue(qh);
  nfq_close(h);
  return 0;
}
