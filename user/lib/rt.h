/* SPDX-License-Identifier: BSD-2-Clause
 *
 * Minimal runtime for freestanding Kola user programs.
 * System calls: ecall with a7 = 93 exit(a0), a7 = 64 write(a0 fd, a1 buf, a2 len).
 */
#ifndef KOLA_USER_RT_H
#define KOLA_USER_RT_H

typedef unsigned long size_t;
typedef long ssize_t;
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long int64_t;
typedef unsigned long uint64_t;
typedef unsigned long uintptr_t;

#define NULL ((void *)0)

#define SYS_write 64
#define SYS_exit 93

static inline long rt_syscall3(long n, long a0, long a1, long a2)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a7)
			 : "memory");
	return r_a0;
}

ssize_t write(int fd, const void *buf, size_t len);
__attribute__((noreturn)) void exit(int code);

int putchar(int c);
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
