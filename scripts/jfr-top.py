#!/usr/bin/env python3
"""Where a JFR recording's CPU samples fall (jdk.ExecutionSample, JDK's `jfr` tool): top methods by own samples,
and the job's, Flink's serialisation, Jackson's, Kafka's and the metrics' methods by inclusive samples.
    scripts/jfr-top.py runs/job-cpu/events-cluster/logs/<pid>.jfr …"""
import json, subprocess, sys, collections
self_m=collections.Counter(); incl=collections.Counter(); total=0
for f in sys.argv[1:]:
    out=subprocess.run(['jfr','print','--json','--events','jdk.ExecutionSample',f],capture_output=True,text=True).stdout
    data=json.loads(out)
    for e in data['recording']['events']:
        frames=e['values']['stackTrace']['frames'] if e['values'].get('stackTrace') else []
        if not frames: continue
        total+=1
        def name(fr): m=fr['method']; return m['type']['name']+'.'+m['name']
        self_m[name(frames[0])]+=1
        seen=set()
        for fr in frames:
            n=name(fr)
            for key in [n]:
                if key not in seen: seen.add(key); incl[key]+=1
print('samples',total)
print('--- self top 25')
for k,v in self_m.most_common(25): print(f'{100*v/total:5.1f}% {k}')
print('--- inclusive, energysentinel/flink/kafka/jackson top 40')
for k,v in incl.most_common(400):
    if any(p in k for p in ['energysentinel','jackson.databind.ObjectMapper','kafka.clients.producer.KafkaProducer.send','KafkaConsumer.poll','flink.streaming.runtime.io','RecordWriter','SpanningRecordSerializer','serializ','Checkpoint','micrometer','prometheus','onnxruntime']):
        print(f'{100*v/total:5.1f}% {k}')
