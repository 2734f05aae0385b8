/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/message.h: message tags, message objects, typed items and acceptors of the L4 X.2
 * convenience interface, encoded as Kola encodes them (abi: MsgTag.java, Items.java).
 */
#ifndef KOLA_L4_MESSAGE_H
#define KOLA_L4_MESSAGE_H

#include <l4/types.h>
#include <l4/vregs.h>

/* ---- The message tag (MsgTag.java): u bits 0..5, t bits 6..11, flags 12..15, label 16..63 ---- */

typedef union {
	L4_Word_t raw;
	struct {
		L4_Word_t u : 6;
		L4_Word_t t : 6;
		L4_Word_t flags : 4; /* p r x e: propagated, redirected, cross-CPU, error */
		L4_Word_t label : 48;
	} X;
} L4_MsgTag_t;

#define L4_Niltag ((L4_MsgTag_t){ .raw = 0UL })

L4_INLINE L4_Bool_t L4_IsMsgTagEqual(L4_MsgTag_t l, L4_MsgTag_t r)
{
	return l.raw == r.raw;
}

L4_INLINE L4_Bool_t L4_IsMsgTagNotEqual(L4_MsgTag_t l, L4_MsgTag_t r)
{
	return l.raw != r.raw;
}

L4_INLINE L4_MsgTag_t L4_MsgTagAddLabel(L4_MsgTag_t t, int label)
{
	t.X.label = (L4_Word_t)(long)label;
	return t;
}

L4_INLINE L4_MsgTag_t L4_MsgTagAddLabelTo(L4_MsgTag_t *t, int label)
{
	t->X.label = (L4_Word_t)(long)label;
	return *t;
}

/*
 * The label: the 48-bit field as X.2 has it. Kola's kernel labels are negative 48-bit numbers
 * (KernelLabels.java: a page fault is -2 << 4 | rwx, i.e. 0xFFFFFFFFFFE0 | rwx here).
 */
L4_INLINE L4_Word_t L4_Label(L4_MsgTag_t t)
{
	return t.X.label;
}

L4_INLINE L4_Word_t L4_UntypedWords(L4_MsgTag_t t)
{
	return t.X.u;
}

L4_INLINE L4_Word_t L4_TypedWords(L4_MsgTag_t t)
{
	return t.X.t;
}

L4_INLINE void L4_Set_Label(L4_MsgTag_t *t, L4_Word_t label)
{
	t->X.label = label;
}

/* MR0 of this thread's UTCB, and setting it. */
L4_INLINE L4_MsgTag_t L4_MsgTag(void)
{
	L4_MsgTag_t t;
	L4_StoreMR(0, &t.raw);
	return t;
}

L4_INLINE void L4_Set_MsgTag(L4_MsgTag_t t)
{
	L4_LoadMR(0, t.raw);
}

/* ---- Map and grant items (Items.java): word 0 = send base (bits 10..) | type << 1; word 1 the fpage ---- */

typedef union {
	L4_Word_t raw[2];
	struct {
		L4_Word_t C : 1;
		L4_Word_t __type : 3;
		L4_Word_t __zeros : 6;
		L4_Word_t snd_base : 54;
		L4_Fpage_t snd_fpage;
	} X;
} L4_MapItem_t;

typedef L4_MapItem_t L4_GrantItem_t;

L4_INLINE L4_MapItem_t L4_MapItem(L4_Fpage_t f, L4_Word_t SndBase)
{
	L4_MapItem_t m;
	m.raw[0] = (SndBase & ~0x3FFUL) | 4UL << 1;
	m.raw[1] = f.raw;
	return m;
}

L4_INLINE L4_GrantItem_t L4_GrantItem(L4_Fpage_t f, L4_Word_t SndBase)
{
	L4_GrantItem_t g;
	g.raw[0] = (SndBase & ~0x3FFUL) | 5UL << 1;
	g.raw[1] = f.raw;
	return g;
}

L4_INLINE L4_Bool_t L4_IsMapItem(L4_MapItem_t m)
{
	return m.X.__type == 4;
}

L4_INLINE L4_Bool_t L4_IsGrantItem(L4_GrantItem_t g)
{
	return g.X.__type == 5;
}

L4_INLINE L4_Fpage_t L4_MapItemSndFpage(L4_MapItem_t m)
{
	return m.X.snd_fpage;
}

L4_INLINE L4_Word_t L4_MapItemSndBase(L4_MapItem_t m)
{
	return m.raw[0] & ~0x3FFUL;
}

L4_INLINE L4_Fpage_t L4_GrantItemSndFpage(L4_GrantItem_t g)
{
	return g.X.snd_fpage;
}

L4_INLINE L4_Word_t L4_GrantItemSndBase(L4_GrantItem_t g)
{
	return g.raw[0] & ~0x3FFUL;
}

/*
 * ---- String items (Items.java; X.2 "String items"): word 0 = length << 10 | c (bit 9) | j (bits
 * 4..8) | type 0, then j + 1 substring addresses, each substring `length` bytes. c says the next
 * item continues the same string (a compound string). A string has at most 4 MiB in all. In a
 * message Kola counts items by the tag's t and ignores C (bit 0); in a receive buffer C on a
 * buffer's first item says another buffer follows. ----
 *
 * As in Pistachio, an L4_StringItem_t with more than one substring, or followed by the items of
 * its compound string, must live in enough words (a word array, an L4_Msg_t, an L4_MsgBuffer_t):
 * L4_AddSubstringAddressTo and L4_AddSubstringTo write past the item's two words.
 */

typedef union {
	L4_Word_t raw[2];
	struct {
		L4_Word_t C : 1;
		L4_Word_t __type : 3;
		L4_Word_t j : 5;
		L4_Word_t c : 1;
		L4_Word_t string_length : 54;
		union {
			void *string_ptr;
			void *substring_ptr[0];
		} str;
	} X;
} L4_StringItem_t;

L4_INLINE L4_StringItem_t L4_StringItem(int size, void *address)
{
	L4_StringItem_t s;
	s.raw[0] = (L4_Word_t)size << 10;
	s.X.str.string_ptr = address;
	return s;
}

L4_INLINE L4_Bool_t L4_IsStringItem(L4_StringItem_t *s)
{
	return (s->X.__type & 4) == 0;
}

/* Whether the item's c bit is set: the next item continues its string. */
L4_INLINE L4_Bool_t L4_CompoundString(L4_StringItem_t *s)
{
	return s->X.c != 0;
}

/* The item's substrings (j + 1), each L4_StringItem's size. */
L4_INLINE L4_Word_t L4_Substrings(L4_StringItem_t *s)
{
	return s->X.j + 1;
}

/* The address of the item's substring n (1..L4_Substrings). */
L4_INLINE void *L4_Substring(L4_StringItem_t *s, L4_Word_t n)
{
	return s->X.str.substring_ptr[n - 1];
}

/* The word after the compound string that starts at s; *p (if p) its last item. */
L4_INLINE L4_StringItem_t *__L4_EndOfString(L4_StringItem_t *s, L4_StringItem_t **p)
{
	L4_StringItem_t *prev;
	do {
		prev = s;
		s = (L4_StringItem_t *)&s->X.str.substring_ptr[s->X.j + 1];
	} while (prev->X.c);
	if (p)
		*p = prev;
	return s;
}

/* The word after the strings (chained by C on each string's first item) that start at s; *p (if p) the last string's first item. */
L4_INLINE L4_StringItem_t *__L4_EndOfStrings(L4_StringItem_t *s, L4_StringItem_t **p)
{
	L4_StringItem_t *prev;
	do {
		prev = s;
		s = __L4_EndOfString(s, (L4_StringItem_t **)0);
	} while (prev->X.C);
	if (p)
		*p = prev;
	return s;
}

/* Copies the compound string at s to d. */
L4_INLINE void __L4_Copy_String(L4_StringItem_t *d, L4_StringItem_t *s)
{
	L4_Word_t *to = (L4_Word_t *)d, *from = (L4_Word_t *)s;
	L4_Word_t *end = (L4_Word_t *)__L4_EndOfString(s, (L4_StringItem_t **)0);
	while (from < end)
		*to++ = *from++;
}

/* The words the compound string at s takes (every item and its addresses). */
L4_INLINE L4_Word_t L4_StringWords(L4_StringItem_t *s)
{
	return (L4_Word_t *)__L4_EndOfString(s, (L4_StringItem_t **)0) - (L4_Word_t *)s;
}

/* The bytes of the compound string at s: every item's substrings times its length. */
L4_INLINE L4_Word_t L4_StringLength(L4_StringItem_t *s)
{
	L4_Word_t n = 0;
	for (;;) {
		n += (L4_Word_t)s->X.string_length * (s->X.j + 1);
		if (!s->X.c)
			return n;
		s = (L4_StringItem_t *)&s->X.str.substring_ptr[s->X.j + 1];
	}
}

/* Appends the string substr (all its items) to the compound string dest: sets c on dest's last item. Returns where substr went. */
L4_INLINE L4_StringItem_t *L4_AddSubstringTo(L4_StringItem_t *dest, L4_StringItem_t *substr)
{
	L4_StringItem_t *prev;
	dest = __L4_EndOfString(dest, &prev);
	prev->X.c = 1;
	__L4_Copy_String(dest, substr);
	return dest;
}

/* Adds a substring at address to the last item of the compound string dest (its j + 1). */
L4_INLINE L4_StringItem_t *L4_AddSubstringAddressTo(L4_StringItem_t *dest, void *address)
{
	L4_StringItem_t *last;
	__L4_EndOfString(dest, &last);
	last->X.j++;
	last->X.str.substring_ptr[last->X.j] = address;
	return dest;
}

/* ---- Message objects ---- */

typedef union {
	L4_Word_t raw[__L4_NUM_MRS];
	L4_Word_t msg[__L4_NUM_MRS];
	L4_MsgTag_t tag;
} L4_Msg_t;

L4_INLINE void L4_MsgClear(L4_Msg_t *msg)
{
	msg->msg[0] = 0;
}

L4_INLINE void L4_MsgPut(L4_Msg_t *msg, L4_Word_t label, int u, L4_Word_t *Untyped, int t, void *Items)
{
	int i;
	for (i = 0; i < u; i++)
		msg->msg[i + 1] = Untyped[i];
	for (i = 0; i < t; i++)
		msg->msg[i + u + 1] = ((L4_Word_t *)Items)[i];
	msg->tag.X.label = label;
	msg->tag.X.flags = 0;
	msg->tag.X.u = u;
	msg->tag.X.t = t;
}

L4_INLINE void L4_MsgGet(const L4_Msg_t *msg, L4_Word_t *Untyped, void *Items)
{
	int i, u = msg->tag.X.u, t = msg->tag.X.t;
	for (i = 0; i < u; i++)
		Untyped[i] = msg->msg[i + 1];
	for (i = 0; i < t; i++)
		((L4_Word_t *)Items)[i] = msg->msg[i + 1 + u];
}

L4_INLINE L4_MsgTag_t L4_MsgMsgTag(const L4_Msg_t *msg)
{
	return msg->tag;
}

L4_INLINE void L4_Set_MsgMsgTag(L4_Msg_t *msg, L4_MsgTag_t t)
{
	msg->tag = t;
}

L4_INLINE L4_Word_t L4_MsgLabel(const L4_Msg_t *msg)
{
	return msg->tag.X.label;
}

L4_INLINE void L4_Set_MsgLabel(L4_Msg_t *msg, L4_Word_t label)
{
	msg->tag.X.label = label;
}

/* The message into MR0..MR(u+t) of the UTCB. */
L4_INLINE void L4_MsgLoad(L4_Msg_t *msg)
{
	L4_LoadMRs(0, msg->tag.X.u + msg->tag.X.t + 1, &msg->msg[0]);
}

/* The received message (tag t, as an Ipc returned it) from MR1..MR(u+t) into msg. */
L4_INLINE void L4_MsgStore(L4_MsgTag_t t, L4_Msg_t *msg)
{
	L4_StoreMRs(1, t.X.u + t.X.t, &msg->msg[1]);
	msg->tag = t;
}

L4_INLINE void L4_MsgAppendWord(L4_Msg_t *msg, L4_Word_t w)
{
	if (msg->tag.X.t) {
		L4_Word_t i = 1 + msg->tag.X.u + msg->tag.X.t;
		for (; i > (L4_Word_t)(msg->tag.X.u + 1); i--)
			msg->msg[i] = msg->msg[i - 1];
	}
	msg->msg[++msg->tag.X.u] = w;
}

L4_INLINE void L4_MsgAppendMapItem(L4_Msg_t *msg, L4_MapItem_t m)
{
	msg->msg[msg->tag.X.u + msg->tag.X.t + 1] = m.raw[0];
	msg->msg[msg->tag.X.u + msg->tag.X.t + 2] = m.raw[1];
	msg->tag.X.t += 2;
}

L4_INLINE void L4_MsgAppendGrantItem(L4_Msg_t *msg, L4_GrantItem_t g)
{
	L4_MsgAppendMapItem(msg, g);
}

L4_INLINE void L4_MsgAppendSimpleStringItem(L4_Msg_t *msg, L4_StringItem_t s)
{
	s.X.c = 0;
	s.X.j = 0;
	msg->msg[msg->tag.X.u + msg->tag.X.t + 1] = s.raw[0];
	msg->msg[msg->tag.X.u + msg->tag.X.t + 2] = s.raw[1];
	msg->tag.X.t += 2;
}

/* Appends the compound string at s (every item, with its addresses). */
L4_INLINE void L4_MsgAppendStringItem(L4_Msg_t *msg, L4_StringItem_t *s)
{
	L4_StringItem_t *d = (L4_StringItem_t *)&msg->msg[msg->tag.X.u + msg->tag.X.t + 1];
	L4_Word_t n = L4_StringWords(s);
	__L4_Copy_String(d, s);
	msg->tag.X.t += n;
}

/* Puts the compound string at s at typed word t (0 first). */
L4_INLINE void L4_MsgPutStringItem(L4_Msg_t *msg, L4_Word_t t, L4_StringItem_t *s)
{
	__L4_Copy_String((L4_StringItem_t *)&msg->msg[msg->tag.X.u + t + 1], s);
}

/* Copies the compound string at typed word t into s; returns the words it takes. */
L4_INLINE L4_Word_t L4_MsgGetStringItem(L4_Msg_t *msg, L4_Word_t t, L4_StringItem_t *s)
{
	L4_StringItem_t *b = (L4_StringItem_t *)&msg->msg[msg->tag.X.u + t + 1];
	__L4_Copy_String(s, b);
	return L4_StringWords(b);
}

L4_INLINE void L4_MsgPutWord(L4_Msg_t *msg, L4_Word_t u, L4_Word_t w)
{
	msg->msg[u + 1] = w;
}

L4_INLINE void L4_MsgPutMapItem(L4_Msg_t *msg, L4_Word_t t, L4_MapItem_t m)
{
	msg->msg[msg->tag.X.u + t + 1] = m.raw[0];
	msg->msg[msg->tag.X.u + t + 2] = m.raw[1];
}

L4_INLINE L4_Word_t L4_MsgWord(L4_Msg_t *msg, L4_Word_t u)
{
	return msg->msg[u + 1];
}

L4_INLINE void L4_MsgGetWord(L4_Msg_t *msg, L4_Word_t u, L4_Word_t *w)
{
	*w = msg->msg[u + 1];
}

L4_INLINE L4_Word_t L4_MsgGetMapItem(L4_Msg_t *msg, L4_Word_t t, L4_MapItem_t *m)
{
	m->raw[0] = msg->msg[msg->tag.X.u + t + 1];
	m->raw[1] = msg->msg[msg->tag.X.u + t + 2];
	return 2;
}

L4_INLINE L4_Word_t L4_MsgGetGrantItem(L4_Msg_t *msg, L4_Word_t t, L4_GrantItem_t *g)
{
	return L4_MsgGetMapItem(msg, t, g);
}

/*
 * ---- Acceptors (Items.acceptor): the receive window fpage in bits 4 and up, bit 0 = s
 * (strings accepted), bit 3 kept: a window of Kola's object space (L4_KolaObjectFpage), for
 * capabilities that arrive by map or grant items. Kola has no control-transfer items (no L4_CtrlXferAcceptor). ----
 */

typedef union {
	L4_Word_t raw;
	struct {
		L4_Word_t s : 1;
		L4_Word_t c : 1;
		L4_Word_t __zeros : 2;
		L4_Word_t RcvWindow : 60;
	} X;
} L4_Acceptor_t;

#define L4_UntypedWordsAcceptor ((L4_Acceptor_t){ .raw = 0UL })
#define L4_StringItemsAcceptor ((L4_Acceptor_t){ .raw = 1UL })

L4_INLINE L4_Acceptor_t L4_MapGrantItems(L4_Fpage_t RcvWindow)
{
	L4_Acceptor_t a;
	a.raw = RcvWindow.raw & ~0x7UL;
	return a;
}

L4_INLINE L4_Acceptor_t L4_AddAcceptor(L4_Acceptor_t l, L4_Acceptor_t r)
{
	L4_Acceptor_t a;
	a.raw = ((r.raw & ~0x7UL) != 0 ? r.raw : l.raw) & ~0x7UL;
	a.raw |= (l.raw | r.raw) & 1;
	return a;
}

L4_INLINE L4_Acceptor_t L4_RemoveAcceptor(L4_Acceptor_t l, L4_Acceptor_t r)
{
	if (r.raw & 1)
		l.raw &= ~1UL;
	if (r.raw & ~0x7UL)
		l.raw &= 1UL;
	return l;
}

L4_INLINE L4_Bool_t L4_HasStringItems(L4_Acceptor_t a)
{
	return (a.raw & 1) != 0;
}

L4_INLINE L4_Bool_t L4_HasMapGrantItems(L4_Acceptor_t a)
{
	return (a.raw & ~0xFUL) != 0;
}

L4_INLINE L4_Fpage_t L4_RcvWindow(L4_Acceptor_t a)
{
	L4_Fpage_t f;
	f.raw = a.raw & ~0xFUL;
	return f;
}

/* BR0 := the acceptor. */
L4_INLINE void L4_Accept(L4_Acceptor_t a)
{
	L4_LoadBR(0, a.raw);
}

L4_INLINE L4_Acceptor_t L4_Accepted(void)
{
	L4_Acceptor_t a;
	L4_StoreBR(0, &a.raw);
	return a;
}

/*
 * Receive buffers (X.2 "Buffer registers"): BR1.. hold string items as buffers, each buffer a
 * compound string (items joined by c), the buffers chained by C on each buffer's first item.
 * The first string of a message goes into the first buffer (if the acceptor's s is set), each
 * further one into the next (if C says there is one); what a string leaves of its buffer is
 * skipped. An L4_MsgBuffer_t is BR1..BR32; clear it, append buffers, then L4_AcceptStrings.
 */
typedef union {
	L4_Word_t raw[__L4_NUM_BRS - 1];
	L4_StringItem_t string[0];
} L4_MsgBuffer_t;

/* No buffers. */
L4_INLINE void L4_MsgBufferClear(L4_MsgBuffer_t *b)
{
	b->raw[0] = b->raw[2] = 0;
}

/* Appends a simple buffer (s's length and address; j and c cleared), chained by C to the one before. */
L4_INLINE void L4_MsgBufferAppendSimpleRcvString(L4_MsgBuffer_t *b, L4_StringItem_t s)
{
	L4_StringItem_t *prev, *tmp;
	s.X.j = 0;
	s.X.c = 0;
	s.X.C = 0;
	if (b->raw[0] || b->raw[2]) {
		tmp = __L4_EndOfStrings((L4_StringItem_t *)&b->raw[0], &prev);
		prev->X.C = 1;
		*tmp = s;
	} else {
		b->raw[2] = ~0UL; /* (not empty, even if s is a string of 0 bytes at address 0) */
		b->string[0] = s;
	}
}

/* Appends the compound buffer at s (every item), chained by C to the one before. */
L4_INLINE void L4_MsgBufferAppendRcvString(L4_MsgBuffer_t *b, L4_StringItem_t *s)
{
	L4_StringItem_t *prev, *tmp;
	if (b->raw[0] || b->raw[2]) {
		tmp = __L4_EndOfStrings((L4_StringItem_t *)&b->raw[0], &prev);
		prev->X.C = 1;
	} else {
		tmp = (L4_StringItem_t *)&b->raw[0];
	}
	__L4_Copy_String(tmp, s);
	tmp->X.C = 0;
}

/* BR0 := a, BR1..BR32 := the buffers of b (all 32 words: the kernel reads the ones it needs). */
L4_INLINE void L4_AcceptStrings(L4_Acceptor_t a, L4_MsgBuffer_t *b)
{
	L4_LoadBR(0, a.raw);
	L4_LoadBRs(1, __L4_NUM_BRS - 1, b->raw);
}

#endif
