/// The report page's markup, style and script. The trace JSON goes between
/// ``head(title:)`` and ``tail``; the script computes every number shown.
enum ReportTemplate {
    static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>swift-scoop report: \(title)</title>
        <style>
        body{font:14px/1.4 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:20px 28px;color:#222;background:#fff}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
        .sub{color:#666;margin-bottom:12px}
        .counters{display:flex;flex-wrap:wrap;gap:10px}
        .counter{border:1px solid #ddd;border-radius:6px;padding:6px 12px;min-width:92px}
        .counter .v{font-size:20px;font-weight:600}.counter .k{color:#666;font-size:12px}
        table{border-collapse:collapse}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}
        th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}
        svg text{font-size:11px;fill:#333}.axis line{stroke:#bbb}.legend span{display:inline-block;margin-right:14px}
        .swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
        </style></head><body>
        <h1>swift-scoop run report</h1><div class="sub" id="subtitle">\(title)</div>
        <h2>Counters</h2><div class="counters" id="counters"></div>
        <h2>Timeline (one row per worker slot)</h2><div class="legend" id="legend"></div><div id="gantt"></div>
        <h2>Utilization over time</h2><div id="utilization"></div>
        <h2>Task durations per function</h2><div id="durations"></div>
        <h2>Critical path of nested futures</h2><div id="critical"></div>
        <h2>Slowest futures</h2><div id="slowest"></div>
        <script type="application/json" id="trace">
        """
    }

    static let tail = """
        </script>
        <script>
        'use strict';
        const NS='http://www.w3.org/2000/svg';
        const trace=JSON.parse(document.getElementById('trace').textContent);
        const events=trace.traceEvents||[];
        const spans=events.filter(e=>e.ph==='X').sort((a,b)=>a.ts-b.ts);
        const meta=name=>events.filter(e=>e.ph==='M'&&e.name===name);
        const run=(meta('scoop_run')[0]||{args:{}}).args;
        const processes={};
        meta('process_name').forEach(e=>{processes[e.pid]={name:e.args.name,slots:1};});
        meta('scoop_process').forEach(e=>{if(processes[e.pid])processes[e.pid].slots=e.args.slots;});
        const workerPids=Object.keys(processes).map(Number).filter(p=>p!==1000000).sort((a,b)=>a-b);
        const end=Math.max(run.durationMicroseconds||0,...spans.map(s=>s.ts+s.dur),1);
        const functions=[...new Set(spans.map(s=>s.name))].sort();
        const palette=['#4e79a7','#f28e2b','#e15759','#76b7b2','#59a14f','#edc948','#b07aa1','#ff9da7','#9c755f','#bab0ac'];
        const color=f=>palette[functions.indexOf(f)%palette.length];
        function fmt(us){if(us<1000)return us.toFixed(1)+' µs';if(us<1e6)return (us/1000).toFixed(2)+' ms';return (us/1e6).toFixed(3)+' s';}
        function bytes(n){if(n<1024)return n+' B';if(n<1048576)return (n/1024).toFixed(1)+' KB';return (n/1048576).toFixed(1)+' MB';}
        function el(tag,attrs,parent,text){const e=tag.startsWith('svg:')?document.createElementNS(NS,tag.slice(4)):document.createElement(tag);
          for(const k in attrs||{})e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;if(parent)parent.appendChild(e);return e;}
        // Busy slot time of one worker: the sweep of its runs, capped at its slots.
        function busyTime(pid,from,to){const slots=processes[pid].slots;const changes=[];
          spans.filter(s=>s.pid===pid).forEach(s=>{const a=Math.max(s.ts,from),b=Math.min(s.ts+s.dur,to);if(b>a){changes.push([a,1]);changes.push([b,-1]);}});
          changes.sort((x,y)=>x[0]-y[0]||x[1]-y[1]);let active=0,last=from,total=0;
          for(const [t,d] of changes){total+=Math.min(active,slots)*(t-last);active+=d;last=t;}return total;}
        // Waits: submit to start (queued anywhere), and send to arrival (transit and the broker's queue).
        const waited=s=>s.args.submitted===undefined?null:Math.max(0,s.ts-s.args.submitted);
        const transit=s=>s.args.sent===undefined?null:Math.max(0,s.args.arrived-s.args.sent);
        // The median; of an even count, the lower of the two middle values.
        function median(values){const v=values.filter(x=>x!==null).sort((a,b)=>a-b);return v.length?v[Math.floor((v.length-1)/2)]:null;}
        const travelled=spans.filter(s=>s.args.sent!==undefined);
        const medianWait=median(spans.map(waited));
        // Counters.
        const totalSlots=workerPids.reduce((n,p)=>n+processes[p].slots,0);
        const busyAll=workerPids.reduce((n,p)=>n+busyTime(p,0,end),0);
        const counters=[
          ['futures','futures',spans.length],
          ['workers','processes',workerPids.length],
          ['duration','run time',fmt(end)],
          ['utilization','utilization',(100*busyAll/(end*Math.max(1,totalSlots))).toFixed(1)+'%'],
          ['bytes','bytes moved',bytes(spans.reduce((n,s)=>n+s.args.argumentBytes+s.args.resultBytes,0))],
          ['bytes-exact','bytes moved (exact)',spans.reduce((n,s)=>n+s.args.argumentBytes+s.args.resultBytes,0)],
          ['failed','failed',spans.filter(s=>s.args.outcome==='failed').length],
          ['retries','retries',spans.filter(s=>s.args.retry).length],
          ['wait','median wait to start',medianWait===null?'–':fmt(medianWait)],
          ['travelled','futures that travelled',new Set(travelled.map(s=>s.args.future)).size],
          ['transit','median send → arrival',travelled.length?fmt(median(travelled.map(transit))):'–'],
          ['routed','messages routed',run.routed||0],
          ['dropped','dropped messages',run.dropped||0],
          ['requeued','re-queued',run.requeued||0],
          ['peak-queue','peak queue',run.peakQueueLength||0]];
        const box=document.getElementById('counters');
        for(const [id,label,value] of counters){const c=el('div',{class:'counter'},box);el('div',{class:'v',id:'c-'+id},c,String(value));el('div',{class:'k'},c,label);}
        document.getElementById('subtitle').textContent+=' · transport '+(run.transport||'?')+' · '+spans.length+' futures';
        // Legend and timeline.
        const legend=document.getElementById('legend');
        functions.forEach(f=>{const s=el('span',{},legend);el('span',{class:'swatch',style:'background:'+color(f)},s);s.appendChild(document.createTextNode(f));});
        const W=1000,L=190,R=20,rowH=16;
        const rows=[];workerPids.forEach(p=>{const lanes=[...new Set(spans.filter(s=>s.pid===p).map(s=>s.tid))].sort((a,b)=>a-b);
          (lanes.length?lanes:[0]).forEach(t=>rows.push([p,t]));});
        const x=t=>L+(W-L-R)*t/end;
        function axis(svg,y){const g=el('svg:g',{class:'axis'},svg);for(let i=0;i<=5;i++){const t=end*i/5;
          el('svg:line',{x1:x(t),x2:x(t),y1:0,y2:y},g);el('svg:text',{x:x(t)-10,y:y+12},g,fmt(t));}}
        const gantt=el('svg:svg',{width:W,height:rows.length*rowH+24,id:'gantt-svg'},document.getElementById('gantt'));
        axis(gantt,rows.length*rowH);
        rows.forEach(([p,t],i)=>{el('svg:text',{x:2,y:i*rowH+12},gantt,(processes[p]?processes[p].name:'worker '+p).slice(0,22)+' · '+t);});
        const rowIndex={};rows.forEach(([p,t],i)=>rowIndex[p+':'+t]=i);
        spans.forEach(s=>{const r=el('svg:rect',{x:x(s.ts),y:rowIndex[s.pid+':'+s.tid]*rowH+2,width:Math.max(0.5,x(s.ts+s.dur)-x(s.ts)),height:rowH-4,
          fill:s.args.outcome==='failed'?'#d62728':color(s.name),class:'span'},gantt);
          el('svg:title',{},r,s.name+' '+s.args.future+' on worker '+s.args.worker+' ('+s.args.host+'): '+fmt(s.dur)+', '+s.args.outcome);});
        // Utilization (bins) and the queue.
        const bins=100,binW=end/bins,uH=120;
        const util=el('svg:svg',{width:W,height:uH+24,id:'utilization-svg'},document.getElementById('utilization'));axis(util,uH);
        let points='';for(let i=0;i<bins;i++){const a=i*binW,b=a+binW;const busy=workerPids.reduce((n,p)=>n+busyTime(p,a,b),0);
          const u=busy/(binW*Math.max(1,totalSlots));points+=x(a)+','+(uH-u*uH)+' '+x(b)+','+(uH-u*uH)+' ';}
        el('svg:polyline',{points:points,fill:'none',stroke:'#4e79a7','stroke-width':2},util);
        el('svg:text',{x:2,y:12},util,'busy slots / all slots (blue)');
        const queue=events.filter(e=>e.ph==='C'&&e.name==='queue length');
        if(queue.length){const peak=Math.max(1,...queue.map(e=>e.args.queued));let q='';
          queue.forEach((e,i)=>{const next=i+1<queue.length?queue[i+1].ts:end;const y=uH-uH*e.args.queued/peak;q+=x(e.ts)+','+y+' '+x(next)+','+y+' ';});
          el('svg:polyline',{points:q,fill:'none',stroke:'#f28e2b','stroke-width':1.5},util);
          el('svg:text',{x:2,y:26},util,'queued futures, peak '+peak+' (orange)');}
        // Durations per function.
        const table=el('table',{id:'durations-table'},document.getElementById('durations'));
        const hr=el('tr',{},table);['function','futures','mean','p50','p95','max','distribution (log scale)'].forEach(h=>el('th',{},hr,h));
        const q=(a,p)=>a[Math.min(a.length-1,Math.floor(p*a.length))];
        functions.forEach(f=>{const d=spans.filter(s=>s.name===f).map(s=>s.dur).sort((a,b)=>a-b);
          const tr=el('tr',{'data-function':f},table);el('td',{},tr,f);el('td',{class:'count'},tr,String(d.length));
          el('td',{},tr,fmt(d.reduce((a,b)=>a+b,0)/d.length));el('td',{},tr,fmt(q(d,0.5)));el('td',{},tr,fmt(q(d,0.95)));el('td',{},tr,fmt(d[d.length-1]));
          const cell=el('td',{},tr);const hs=el('svg:svg',{width:200,height:30},cell);const lo=Math.log10(Math.max(d[0],0.01)),hi=Math.log10(Math.max(d[d.length-1],0.01))+1e-9;
          const hb=new Array(20).fill(0);d.forEach(v=>hb[Math.min(19,Math.floor(20*(Math.log10(Math.max(v,0.01))-lo)/(hi-lo||1)))]++);const m=Math.max(...hb);
          hb.forEach((n,i)=>el('svg:rect',{x:i*10,y:30-28*n/m,width:9,height:28*n/m,fill:color(f)},hs));});
        // Critical path: from the run's last top-level future, follow the child that ended last.
        const children={};spans.forEach(s=>{(children[s.args.parent]=children[s.args.parent]||[]).push(s);});
        const roots=(children['none']||[]);const path=[];
        if(roots.length){let cur=roots.reduce((a,b)=>a.ts+a.dur>=b.ts+b.dur?a:b);const seen=new Set();
          while(cur&&!seen.has(cur.args.future)){seen.add(cur.args.future);path.push(cur);const kids=children[cur.args.future]||[];
            cur=kids.length?kids.reduce((a,b)=>a.ts+a.dur>=b.ts+b.dur?a:b):null;}}
        const crit=document.getElementById('critical');
        el('p',{},crit,'').innerHTML='<span id="critical-length">'+path.length+'</span> futures deep; the first took <span id="critical-duration">'+(path.length?fmt(path[0].dur):'0')+'</span>.';
        const ct=el('table',{id:'critical-table'},crit);const ch=el('tr',{},ct);['depth','future','function','worker','start','duration'].forEach(h=>el('th',{},ch,h));
        path.forEach((s,i)=>{const tr=el('tr',{},ct);[String(i),s.args.future,s.name,processes[s.pid]?processes[s.pid].name:String(s.pid),fmt(s.ts),fmt(s.dur)].forEach(v=>el('td',{},tr,v));});
        // Slowest futures.
        const st=el('table',{id:'slowest-table'},document.getElementById('slowest'));const sh=el('tr',{},st);
        ['future','function','worker','host','duration','waited','sent → arrived','arguments','result','outcome'].forEach(h=>el('th',{},sh,h));
        const orDash=us=>us===null?'–':fmt(us);
        [...spans].sort((a,b)=>b.dur-a.dur).slice(0,10).forEach(s=>{const tr=el('tr',{class:'slow'},st);
          [s.args.future,s.name,String(s.args.worker),s.args.host,fmt(s.dur),orDash(waited(s)),orDash(transit(s)),bytes(s.args.argumentBytes),bytes(s.args.resultBytes),s.args.outcome].forEach(v=>el('td',{},tr,v));});
        document.body.setAttribute('data-rendered','yes');
        </script></body></html>

        """
}
