/* T threads, each with its own connection to one WAL database, run a
   20-row list page (a COUNT over the filtered table and the page itself)
   for D seconds; prints pages per second. Built twice against the same
   amalgamation: with libsqlite3-sys's flags, and with them changed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "sqlite3.h"
static const char *path = "/tmp/kechuang-sqlite-readers.db";
static volatile int stop = 0;
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
static void *worker(void *arg){
  long *count = arg; sqlite3 *db; sqlite3_stmt *c,*p;
  if(sqlite3_open_v2(path,&db,SQLITE_OPEN_READWRITE,0)!=SQLITE_OK
     || sqlite3_prepare_v2(db,"SELECT count(*) FROM cases WHERE status <> 'closed'",-1,&c,0)!=SQLITE_OK){
    fprintf(stderr,"no database at %s: run with 'seed' first\n",path); exit(1); }
  if(sqlite3_prepare_v2(db,"SELECT c.id,c.number,c.title,c.status,c.created_at,o.name FROM cases c JOIN orgs o ON o.id=c.org_id WHERE c.status <> 'closed' ORDER BY c.created_at DESC, c.id DESC LIMIT 20 OFFSET ?",-1,&p,0)!=SQLITE_OK){
    fprintf(stderr,"%s\n",sqlite3_errmsg(db)); exit(1); }
  unsigned r = 1;
  while(!stop){
    while(sqlite3_step(c)==SQLITE_ROW){} sqlite3_reset(c);
    r = r*1103515245+12345; sqlite3_bind_int(p,1,(r>>8)%50*20);
    while(sqlite3_step(p)==SQLITE_ROW){ sqlite3_column_text(p,2); sqlite3_column_text(p,5);} sqlite3_reset(p);
    (*count)++;
  }
  sqlite3_finalize(c); sqlite3_finalize(p); sqlite3_close(db); return 0;
}
int main(int argc,char**argv){
  if(argc>1 && argv[1][0]=='s'){ /* seed */
    sqlite3 *db; remove(path); sqlite3_open(path,&db);
    sqlite3_exec(db,"PRAGMA journal_mode=WAL; CREATE TABLE orgs(id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE cases(id INTEGER PRIMARY KEY, number TEXT, title TEXT, status TEXT, org_id INT, created_at TEXT, description TEXT); CREATE INDEX cases_created ON cases(created_at, id);",0,0,0);
    sqlite3_exec(db,"BEGIN",0,0,0);
    for(int i=0;i<300;i++){char q[200];snprintf(q,200,"INSERT INTO orgs VALUES(%d,'企业名称有限公司%d')",i,i);sqlite3_exec(db,q,0,0,0);}
    for(int i=0;i<20000;i++){char q[600];snprintf(q,600,"INSERT INTO cases VALUES(%d,'KC-2026-%06d','关于审批材料办理进度的诉求%d','%s',%d,'2026-%02d-%02dT08:00:%02d','企业反映项目审批材料已于上周提交，至今未收到受理回执，请协调相关部门尽快办理。')",i,i,i,i%3?"handling":"closed",i%300,1+i%12,1+i%28,i%60);sqlite3_exec(db,q,0,0,0);}
    sqlite3_exec(db,"COMMIT",0,0,0); sqlite3_close(db); return 0; }
  int T = argc>1?atoi(argv[1]):1; if(T<1) T=1; if(T>64) T=64; double D = argc>2?atof(argv[2]):5;
  pthread_t th[64]; long counts[64]={0};
  for(int i=0;i<T;i++) pthread_create(&th[i],0,worker,&counts[i]);
  double t0=now(); struct timespec s={(time_t)D,(long)((D-(time_t)D)*1e9)}; nanosleep(&s,0); stop=1;
  long total=0; for(int i=0;i<T;i++){pthread_join(th[i],0); total+=counts[i];}
  printf("%d thread(s): %.0f pages/s\n",T,total/(now()-t0)); return 0;
}
